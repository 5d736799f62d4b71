/**
 * The running marker: a small file in the data directory that says a run
 * is under way, by which process, and where its dashboard listens. A clean
 * stop removes it; a start that finds it knows the previous run did not
 * end cleanly.
 *
 * @module
 */
import { describeRefusal, readSmallText } from "../ffi/read_regular_file.ts";
import { processAlive } from "../ffi/process.ts";
import { flockHolders } from "../ffi/file_lock.ts";
import { writePrivateFile } from "../files/private_file.ts";
import { APP_VERSION } from "../identity/identity.ts";
import { setAside } from "./crash_note.ts";
import { dataPaths } from "../store/data_paths.ts";

/** Where a running agent's dashboard listens. */
export interface DashboardAddress {
  /** The address it is bound to (as --listen gave it). */
  listen: string;
  port: number;
}

/** What the running marker holds while the agent runs. */
export interface RunningMarker {
  pid: number;
  startedAt: number;
  lastSeenAt: number;
  version?: string;
  /** Set once the dashboard listens. */
  dashboard?: DashboardAddress;
}

/** The largest marker read back; vitrine's own are under 300 bytes. */
const MAX_MARKER_BYTES = 64 * 1024;

/** Writes the marker that says a run is under way (removed by a clean stop). */
export async function writeRunningMarker(
  dataDir: string,
  startedAt: number,
  dashboard: DashboardAddress | null,
): Promise<void> {
  const marker: RunningMarker = {
    pid: Deno.pid,
    startedAt,
    lastSeenAt: Date.now(),
    version: APP_VERSION,
    ...(dashboard ? { dashboard } : {}),
  };
  // A FIFO or link planted at the name is replaced, never written through.
  await writePrivateFile(dataPaths(dataDir).running, JSON.stringify(marker));
}

/** Removes the running marker: the run ended cleanly. */
export async function removeRunningMarker(dataDir: string): Promise<void> {
  await Deno.remove(dataPaths(dataDir).running).catch(() => {});
}

/** What a look at the marker found. */
export type FoundMarker =
  | { kind: "none" }
  | { kind: "marker"; marker: Partial<RunningMarker> }
  | { kind: "unreadable"; why: string };

/** Reads the marker without blocking or following a link. */
export async function readRunningMarker(dataDir: string): Promise<FoundMarker> {
  const path = dataPaths(dataDir).running;
  try {
    const read = await readSmallText(path, MAX_MARKER_BYTES, { noFollow: true });
    if (read.kind === "absent") return { kind: "none" };
    if (read.kind !== "ok") return { kind: "unreadable", why: describeRefusal(read) };
    const marker = JSON.parse(read.text) as unknown;
    if (typeof marker === "object" && marker !== null && !Array.isArray(marker)) {
      return { kind: "marker", marker: marker as Partial<RunningMarker> };
    }
    return { kind: "unreadable", why: "it is not a JSON object" };
  } catch (error) {
    return { kind: "unreadable", why: `it cannot be read (${(error as Error).message})` };
  }
}

/**
 * The marker a previous run left, read at start, or null when there is
 * none. One that cannot be read is moved aside (so that it can never stop
 * a start) and said in `problems`; it counts as a run that did not end cleanly.
 */
export async function previousRunMarker(
  dataDir: string,
  problems: string[],
): Promise<Partial<RunningMarker> | null> {
  const found = await readRunningMarker(dataDir);
  if (found.kind === "none") return null;
  if (found.kind === "marker") return found.marker;
  const path = dataPaths(dataDir).running;
  const aside = await setAside(path);
  problems.push(
    `The running marker "${path}" could not be read (${found.why}); ${
      aside ? `it was moved to "${aside}"` : "it could not be moved"
    }. The previous run is taken to have ended uncleanly.`,
  );
  return {};
}

/**
 * The agent running on `dataDir` now, or null: its marker names a process
 * that is alive and holds the data directory's lock (a pid left by an agent
 * killed with -9 may since belong to another program, which must never be
 * signalled).
 */
export async function runningAgent(dataDir: string): Promise<RunningMarker | null> {
  const found = await readRunningMarker(dataDir);
  if (found.kind !== "marker") return null;
  const { pid } = found.marker;
  if (typeof pid !== "number" || pid === Deno.pid || !processAlive(pid)) return null;
  if (!flockHolders(dataPaths(dataDir).lock).includes(pid)) return null;
  return found.marker as RunningMarker;
}

/**
 * Writes one run's marker: each write as things stand when its turn comes,
 * never two at once, and none after {@linkcode MarkerWriter.end}, which
 * removes it (the run ended cleanly).
 */
export class MarkerWriter {
  readonly #dataDir: string;
  readonly #startedAt: number;
  #dashboard: DashboardAddress | null = null;
  #writes: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(dataDir: string, startedAt: number) {
    this.#dataDir = dataDir;
    this.#startedAt = startedAt;
  }

  /** Where the dashboard listens, once it does (written at once). */
  set dashboard(address: DashboardAddress) {
    this.#dashboard = address;
    this.write().catch(() => {});
  }

  /** Writes the marker (its last-seen time moves on). */
  write(): Promise<void> {
    const write = this.#writes.then(() =>
      this.#ended ? undefined : writeRunningMarker(this.#dataDir, this.#startedAt, this.#dashboard)
    );
    this.#writes = write.catch(() => {});
    return write;
  }

  /** Waits for the writes under way, then removes the marker. */
  async end(): Promise<void> {
    this.#ended = true;
    await this.#writes;
    await removeRunningMarker(this.#dataDir);
  }
}
