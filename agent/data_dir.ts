/**
 * Where vitrine keeps its data.
 *
 * @module
 */
import { geteuid } from "../ffi/euid.ts";
import { type FileLock, tryLockFile } from "../ffi/file_lock.ts";
import { checkIntegrity, openStore, type Store } from "../store/open_store.ts";
import { type Rebuild, rebuildForFreePages } from "../store/rebuild_for_free_pages.ts";

/**
 * The data directory: `--data-dir`, else `VITRINE_DATA_DIR`, else
 * /var/lib/vitrine for root, else `$XDG_STATE_HOME/vitrine` or
 * ~/.local/state/vitrine.
 */
export function defaultDataDir(): string {
  const fromEnv = Deno.env.get("VITRINE_DATA_DIR");
  if (fromEnv) return fromEnv;
  if (geteuid() === 0) return "/var/lib/vitrine";
  const state = Deno.env.get("XDG_STATE_HOME");
  if (state) return `${state}/vitrine`;
  const home = Deno.env.get("HOME");
  if (!home) {
    throw new Error(
      "Cannot choose a data directory: HOME is not set. Pass --data-dir or set VITRINE_DATA_DIR.",
    );
  }
  return `${home}/.local/state/vitrine`;
}

/** The files inside a data directory. */
export function dataPaths(dataDir: string): {
  database: string;
  lock: string;
  running: string;
  crashNote: string;
  token: string;
  readToken: string;
  support: string;
  samples: string;
} {
  return {
    database: `${dataDir}/vitrine.db`,
    lock: `${dataDir}/vitrine.lock`,
    running: `${dataDir}/running.json`,
    crashNote: `${dataDir}/crash-note.json`,
    token: `${dataDir}/dashboard.token`,
    readToken: `${dataDir}/read.token`,
    support: `${dataDir}/support`,
    samples: `${dataDir}/samples`,
  };
}

/** The default managed policy file. */
export const DEFAULT_MANAGED_FILE = "/etc/vitrine/managed.json";

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
