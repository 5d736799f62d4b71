/**
 * The agent's hold on its data directory: the lock, the database rebuilt
 * once where it must be, opened and checked.
 *
 * @module
 */
import { type FileLock, tryLockFile } from "../ffi/file_lock.ts";
import { dataPaths } from "../store/data_paths.ts";
import { checkIntegrity, openStore, type Store } from "../store/open_store.ts";
import { type Rebuild, rebuildForFreePages } from "../store/rebuild_for_free_pages.ts";

/** A second agent was started on a data directory already in use. */
export class AgentLockedError extends Error {
  constructor(dataDir: string) {
    super(
      `Another vitrine agent is already running with data directory "${dataDir}". Stop it first, or start this one with a different --data-dir.`,
    );
    this.name = "AgentLockedError";
  }
}

/**
 * Creates `dataDir` if needed, takes its lock, rebuilds a database made
 * before free pages could be given back (once), opens it and reads every
 * page of it once (`damage`: what SQLite's quick check found, empty when
 * nothing), so that damage is told at start, not met later. `problems`
 * says what could not be done now. Throws {@linkcode AgentLockedError}
 * when another agent holds the lock.
 */
export async function lockDataDir(
  dataDir: string,
  log?: (message: string) => void,
): Promise<{ lock: FileLock; store: Store; damage: string[]; problems: string[] }> {
  const paths = dataPaths(dataDir);
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = tryLockFile(paths.lock);
  if (lock === null) throw new AgentLockedError(dataDir);
  try {
    const rebuild = rebuildForFreePages(paths.database);
    if (rebuild.kind === "rebuilt") log?.(describeRebuild(rebuild));
    const problems = rebuild.kind === "postponed" ? [rebuild.problem] : [];
    const store = await openStore(paths.database);
    const started = performance.now();
    const damage = await checkIntegrity(store.db).catch((error: Error) => [error.message]);
    log?.(
      `Checked the database in ${((performance.now() - started) / 1000).toFixed(1)} s: ${
        damage.length === 0 ? "intact" : "DAMAGED"
      }`,
    );
    return { lock, store, damage, problems };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function describeRebuild(rebuild: Rebuild & { kind: "rebuilt" }): string {
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
  return `Rebuilt the database once so that it gives free space back to the disk: ${rebuild.rows} rows of ${rebuild.tables} tables, ${
    mib(rebuild.bytesBefore)
  } MiB before, ${mib(rebuild.bytesAfter)} MiB after`;
}
