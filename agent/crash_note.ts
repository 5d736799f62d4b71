/**
 * The note a dying agent leaves: an uncaught exception or an unhandled
 * rejection is written down, synchronously and flushed to disk, before the
 * process exits, so that the next start can record the crash with the
 * state the agent was in. Without a note (kill -9, power loss) the next
 * start still sees the running marker and records an unclean shutdown.
 *
 * @module
 */
import { APP_VERSION } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import type { TaskStatus } from "./scheduler.ts";

/** The state of the agent at the time of a crash (the optional tier of the record). */
export interface CrashState {
  /** Each collector and task: name, runs, failures, last error. */
  collectors: unknown;
  level: string;
  managedState: string;
  rssBytes: number;
  heapUsedBytes: number;
}

/** The state worth noting: each task's runs and failures, the policy, memory. */
export function crashStateOf(tasks: readonly TaskStatus[], policy: Policy): CrashState {
  const memory = Deno.memoryUsage();
  return {
    collectors: Object.fromEntries(
      tasks.map((task) => [task.name, {
        runs: task.runs,
        consecutive_failures: task.consecutiveFailures,
        last_error: task.lastError,
      }]),
    ),
    level: policy.level,
    managedState: policy.managedState,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
}

/** What a crash note holds. */
export interface CrashNote {
  reason: "uncaught_exception" | "unhandled_rejection";
  at: number;
  version: string;
  startedAt: number;
  error: { name: string; message: string; stack: string | null };
  /** Null when the state itself could not be read. */
  state: CrashState | null;
}

/** Where the note is written. */
export function crashNotePath(dataDir: string): string {
  return `${dataDir}/crash-note.json`;
}

function describe(value: unknown): CrashNote["error"] {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack ?? null };
  }
  return { name: typeof value, message: String(value), stack: null };
}

/** Writes `note` and flushes it to disk before returning (the process is about to end). */
function writeDurably(path: string, note: CrashNote): void {
  const file = Deno.openSync(path, { write: true, create: true, truncate: true, mode: 0o600 });
  try {
    file.writeSync(new TextEncoder().encode(JSON.stringify(note)));
    file.syncSync();
  } finally {
    file.close();
  }
}

/**
 * Arms the note for this process: from now on a fatal error is written to
 * the data directory before the runtime ends the process (it still exits
 * non-zero, so that a service manager restarts it). Returns the disarm.
 */
export function armCrashNote(
  dataDir: string,
  startedAt: number,
  state: () => CrashState,
): () => void {
  const write = (reason: CrashNote["reason"], error: unknown) => {
    let current: CrashState | null = null;
    try {
      current = state();
    } catch {
      // The state is a courtesy; the note itself must be written.
    }
    try {
      writeDurably(crashNotePath(dataDir), {
        reason,
        at: Date.now(),
        version: APP_VERSION,
        startedAt,
        error: describe(error),
        state: current,
      });
    } catch {
      // Nowhere to write (a full disk): the running marker still tells.
    }
  };
  const onError = (event: ErrorEvent) => write("uncaught_exception", event.error ?? event.message);
  const onRejection = (event: PromiseRejectionEvent) => write("unhandled_rejection", event.reason);
  globalThis.addEventListener("error", onError);
  globalThis.addEventListener("unhandledrejection", onRejection);
  return () => {
    globalThis.removeEventListener("error", onError);
    globalThis.removeEventListener("unhandledrejection", onRejection);
  };
}

/** The note a previous run left, or null (none, or unreadable). */
export async function readCrashNote(dataDir: string): Promise<Partial<CrashNote> | null> {
  try {
    const note = JSON.parse(await Deno.readTextFile(crashNotePath(dataDir)));
    return typeof note === "object" && note !== null ? note : null;
  } catch {
    return null;
  }
}

/** Removes the note once its crash is recorded. */
export async function clearCrashNote(dataDir: string): Promise<void> {
  await Deno.remove(crashNotePath(dataDir)).catch(() => {});
}
