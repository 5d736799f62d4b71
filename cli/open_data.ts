/**
 * Opens an existing data directory for the read-side commands, with the
 * policy the running agent uses.
 *
 * @module
 */
import { currentPolicy } from "../policy/current_policy.ts";
import { dataPaths, DEFAULT_MANAGED_FILE } from "../store/data_paths.ts";
import { agentApplying, type PublishedStatus, readAgentStatus } from "../agent/agent_status.ts";
import { type Identity, loadIdentity } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { openStore, type Store } from "../store/open_store.ts";
import { dataLocation } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** How long a command waits for the running agent to apply a change it has not read yet. */
export const AGENT_SETTLE_MS = 5000;

/** An opened data directory with the policy in effect. */
export interface OpenData {
  dataDir: string;
  store: Store;
  policy: Policy;
  identity: Identity;
  /** The running agent's last status, or null when none runs. */
  agent: PublishedStatus | null;
  /** Where this command and the running agent disagree, in words. */
  notes: string[];
}

/**
 * Opens the database of `dataDir`; it must already exist. Without
 * `managedFile` the managed file of the agent running on this directory is
 * used (or the default one when none runs); with it, a difference from the
 * running agent is noted.
 */
export async function openData(
  dataDir: string,
  managedFile: string | undefined,
): Promise<OpenData> {
  const { database } = dataPaths(dataDir);
  try {
    await Deno.stat(database);
  } catch {
    throw new UsageError(
      `No vitrine database in "${dataDir}". Start the agent first (deno task start), or pass --data-dir with the directory it uses.`,
    );
  }
  const store = await openStore(database);
  try {
    const stored = await readAgentStatus(store.db);
    let agent = stored?.running ? stored : null;
    const file = managedFile ?? agent?.managedFile ?? DEFAULT_MANAGED_FILE;
    const policy = await currentPolicy(store.db, file);
    if (agent && agent.managedFile === file && agent.policy !== policy.fingerprint()) {
      // A change the agent has not applied yet (it reads the files every
      // few seconds): wait for it, so that this command and the agent agree.
      agent = (await agentApplying(store.db, policy.fingerprint(), AGENT_SETTLE_MS)).status;
    }
    const notes: string[] = [];
    if (agent && agent.managedFile !== file) {
      notes.push(
        `The running agent (pid ${agent.pid}) reads the managed file "${agent.managedFile}"; this command used "${file}".`,
      );
    }
    if (agent && agent.level !== policy.level) {
      notes.push(
        `The running agent (pid ${agent.pid}) runs at the ${agent.level} level; this command computed ${policy.level}.`,
      );
    }
    const identity = await loadIdentity(store.db, policy);
    return { dataDir, store, policy, identity, agent, notes };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Opens the data directory the flags name (`--data-dir`, `--managed-config`)
 * and tells standard error where this command and the running agent differ.
 */
export async function openDataFromFlags(
  values: { "data-dir"?: string; "managed-config"?: string },
): Promise<OpenData> {
  const { dataDir, managedFile } = dataLocation(values);
  const data = await openData(dataDir, managedFile);
  for (const note of data.notes) console.error(`Note: ${note}`);
  return data;
}
