/**
 * The note a dying agent leaves: an uncaught exception or an unhandled
 * rejection is written down, synchronously and flushed to disk, before the
 * process exits, so that the next start can record the crash with the
 * state the agent was in. Without a note (kill -9, power loss) the next
 * start still sees the running marker and records an unclean shutdown.
 *
 * @module
 */
import { describeRefusal, readSmallText } from "../ffi/read_regular_file.ts";
import { writePrivateFileSync } from "../files/private_file.ts";
import { APP_VERSION } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { dataPaths } from "../store/data_paths.ts";
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
  reason: "uncaught_exception" | "unhandled_rejection" | "watchdog";
  at: number;
  version: string;
  startedAt: number;
  error: { name: string; message: string; stack: string | null };
  /** Null when the state itself could not be read. */
  state: CrashState | null;
}

/** The most of an error's message or stack a note keeps: a note stays small to read back. */
const MAX_TEXT = 16 * 1024;
/** The largest note read back; anything larger was not written by vitrine. */
export const MAX_NOTE_BYTES = 256 * 1024;

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (cut)` : text;
}

function describe(value: unknown): CrashNote["error"] {
  if (value instanceof Error) {
    return {
      name: cut(String(value.name)),
      message: cut(String(value.message)),
      stack: value.stack ? cut(value.stack) : null,
    };
  }
  return { name: typeof value, message: cut(String(value)), stack: null };
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
      // Flushed to disk before the process ends; a FIFO or link planted at
      // the name is replaced, never written through.
      writeNote(dataPaths(dataDir).crashNote, {
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

/**
 * Notes that the liveness watchdog caught a hang: `why` names what stopped
 * making progress. Written by the agent when it stops telling systemd it
 * is alive (and removed if it recovers), or by the service's stop hook
 * when systemd ended the agent for silence; a note already there (a fatal
 * error's) is kept.
 */
export function writeWatchdogNote(
  dataDir: string,
  startedAt: number | null,
  why: string,
  state: CrashState | null = null,
): boolean {
  const path = dataPaths(dataDir).crashNote;
  try {
    Deno.lstatSync(path);
    return false;
  } catch {
    // No note yet: this one is written.
  }
  writeNote(path, {
    reason: "watchdog",
    at: Date.now(),
    version: APP_VERSION,
    startedAt: startedAt ?? Date.now(),
    error: { name: "WatchdogTimeout", message: cut(why), stack: null },
    state,
  });
  return true;
}

/** Removes a watchdog note this run wrote, once it makes progress again. */
export async function clearWatchdogNote(dataDir: string): Promise<void> {
  const found = await readCrashNote(dataDir);
  if (found.kind === "note" && found.note.reason === "watchdog") await clearCrashNote(dataDir);
}

function writeNote(path: string, note: CrashNote): void {
  writePrivateFileSync(path, JSON.stringify(note));
}

/** What a start finds of the previous run's note. */
export type FoundNote =
  | { kind: "none" }
  | { kind: "note"; note: Partial<CrashNote> }
  /** There was one, but it could not be read; it was moved to `setAside` (null: could not be moved). */
  | { kind: "unreadable"; why: string; setAside: string | null };

/**
 * The note a previous run left. It is read without blocking or following a
 * link, and bounded: a note that cannot be read (a FIFO, a link, a huge or
 * garbled file) is moved aside so that it can never stop a start, and said.
 */
export async function readCrashNote(dataDir: string): Promise<FoundNote> {
  const path = dataPaths(dataDir).crashNote;
  let why: string;
  try {
    const read = await readSmallText(path, MAX_NOTE_BYTES, { noFollow: true });
    if (read.kind === "absent") return { kind: "none" };
    if (read.kind === "ok") {
      const note = JSON.parse(read.text) as unknown;
      if (typeof note === "object" && note !== null && !Array.isArray(note)) {
        return { kind: "note", note: note as Partial<CrashNote> };
      }
      why = "it is not a JSON object";
    } else why = describeRefusal(read);
  } catch (error) {
    why = `it cannot be read (${(error as Error).message})`;
  }
  return { kind: "unreadable", why, setAside: await setAside(path) };
}

/** Moves `path` out of the way (the name itself: a link is not followed); the new name, or null. */
export async function setAside(path: string): Promise<string | null> {
  const aside = `${path}.unreadable`;
  try {
    await Deno.rename(path, aside);
    return aside;
  } catch {
    try {
      await Deno.remove(path);
    } catch {
      // Neither moved nor removed: the caller says so.
    }
    return null;
  }
}

/** Removes the note once its crash is recorded. */
export async function clearCrashNote(dataDir: string): Promise<void> {
  await Deno.remove(dataPaths(dataDir).crashNote).catch(() => {});
}
