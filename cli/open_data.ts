/**
 * Opens an existing data directory for the read-side commands.
 *
 * @module
 */
import { dataPaths } from "../agent/data_dir.ts";
import { combinePolicy, type Policy, readManagedFile } from "../policy/resolve_policy.ts";
import { getPreferences } from "../store/meta_queries.ts";
import { openStore, type Store } from "../store/open_store.ts";
import { type Identity, loadIdentity } from "../identity/identity.ts";
import { UsageError } from "./usage_error.ts";

/** An opened data directory with the policy in effect. */
export interface OpenData {
  store: Store;
  policy: Policy;
  identity: Identity;
}

/** Opens the database of `dataDir`; it must already exist. */
export async function openData(dataDir: string, managedFile: string): Promise<OpenData> {
  const { database } = dataPaths(dataDir);
  try {
    await Deno.stat(database);
  } catch {
    throw new UsageError(
      `No vitrine database in "${dataDir}". Start the agent first (deno task start), or pass --data-dir with the directory it uses.`,
    );
  }
  const store = await openStore(database);
  const policy = combinePolicy(
    managedFile,
    await readManagedFile(managedFile),
    await getPreferences(store.db),
  );
  const identity = await loadIdentity(store.db, {
    orgId: policy.settings.orgId as string | null,
    releaseRing: String(policy.settings.releaseRing),
  });
  return { store, policy, identity };
}
