/**
 * The health report shared by `vitrine health`, GET /api/health and the
 * dashboard.
 *
 * @module
 */
import type { Tier } from "../catalog/types.ts";
import { readKernelFile } from "../ffi/read_kernel_file.ts";
import { APP_VERSION } from "../identity/identity.ts";
import type { Policy, SettingSource } from "../policy/resolve_policy.ts";
import { countByTier } from "../store/event_queries.ts";
import { getMeta } from "../store/meta_queries.ts";
import type { Store } from "../store/open_store.ts";
import type { AgentStatus } from "./agent.ts";
import { dataPaths } from "./data_dir.ts";

/** The health report. */
export interface Health {
  version: string;
  dataDir: string;
  database: { path: string; bytes: number };
  counts: Record<Tier, number>;
  level: Tier;
  policy: {
    managedFile: string;
    managedState: Policy["managedState"];
    settings: { key: string; value: unknown; source: SettingSource; managed: boolean }[];
  };
  /** Null when no agent has published a status in this data directory. */
  agent: (AgentStatus & { running: boolean }) | null;
  problems: string[];
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

function processAlive(pid: number): boolean {
  try {
    readKernelFile(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the report. `live` is the running agent's own status when the
 * caller is that agent; otherwise the last status it stored is used.
 */
export async function buildHealth(
  store: Store,
  dataDir: string,
  policy: Policy,
  live?: AgentStatus,
): Promise<Health> {
  const { database } = dataPaths(dataDir);
  let agent: Health["agent"] = null;
  if (live) agent = { ...live, running: true };
  else {
    const stored = await getMeta(store.db, "agent_status");
    if (stored) {
      const status = JSON.parse(stored) as AgentStatus & { stoppedAt?: number };
      agent = {
        ...status,
        running: status.stoppedAt === undefined && status.pid !== Deno.pid &&
          processAlive(status.pid),
      };
    }
  }
  const problems = policy.problems.map((p) => p.message);
  if (policy.managedState === "invalid") {
    problems.push("The agent runs at the required tier only until the managed file is fixed.");
  }
  if (agent?.running) problems.push(...agent.problems);
  return {
    version: APP_VERSION,
    dataDir,
    database: {
      path: database,
      bytes: (await fileSize(database)) + (await fileSize(`${database}-wal`)),
    },
    counts: await countByTier(store.db),
    level: policy.level,
    policy: {
      managedFile: policy.managedFile,
      managedState: policy.managedState,
      settings: Object.entries(policy.settings).map(([key, value]) => ({
        key,
        value,
        source: policy.sources[key] ?? "default",
        managed: policy.sources[key] === "managed",
      })),
    },
    agent,
    problems,
  };
}
