/**
 * Follows a log another program appends to (freshclam's, ClamAV's
 * detections): reads what was added since the last look, from a byte
 * offset kept in the database with the file's inode, so that nothing is
 * read twice across restarts. A rotated or truncated log is read from its
 * start; an existing log met for the first time is history, not news; a
 * log that did not exist then is read from its start once it appears.
 * Files that are not regular (a FIFO, a device) are refused unread, and a
 * line longer than a whole chunk is skipped with a count, so that the
 * reader never stalls.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { describeRefusal, readRegularRange } from "../ffi/read_regular_file.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";

/** The most of a log read in one look. */
export const LOG_CHUNK = 1024 * 1024;

/** Where a log was read to: the file's identity and the byte offset. */
interface LogPosition {
  /** The log's inode; 0 while the log did not exist (it is read from its start once it does). */
  ino: number;
  offset: number;
}

/**
 * Positions kept, by path: a policy that names another log for a while
 * (one failing closed to the defaults, say) and then this one again
 * resumes where this one was left, rather than take it for new.
 */
type Positions = Record<string, LogPosition>;

/** Paths whose positions are kept at most (the most recently read). */
const MAX_PATHS = 4;

/** The positions as stored (earlier versions kept one: {path, ino, offset}). */
function parsePositions(stored: string | undefined): Positions {
  if (stored === undefined) return {};
  const value = JSON.parse(stored) as Positions | (LogPosition & { path: string });
  if (typeof (value as { path?: unknown }).path === "string") {
    const { path, ino, offset } = value as LogPosition & { path: string };
    return { [path]: { ino, offset } };
  }
  return value as Positions;
}

/** What a parser made of whole lines: its items, and how many bytes it used. */
export interface LogReading<T> {
  items: T[];
  /** Bytes consumed (whole lines, or whole runs of lines); the rest is read again next time. */
  used: number;
}

/** A log followed from look to look. */
export class LogFollower {
  readonly #db: Kysely<Database>;
  readonly #key: string;
  readonly #what: string;
  readonly #chunk: number;
  #problems: string[] = [];
  /** Bytes of the log skipped since start: lines or runs too long to read. */
  #skipped = { bytes: 0, times: 0 };

  /**
   * `key` names the position kept in the database's meta table; `what`
   * names the log in messages ("freshclam's log").
   */
  constructor(db: Kysely<Database>, key: string, what: string, chunk = LOG_CHUNK) {
    this.#db = db;
    this.#key = key;
    this.#what = what;
    this.#chunk = chunk;
  }

  /**
   * The items `parse` finds in what `path` gained since the last look.
   * `parse` sees whole lines only and says how much it used. `unseen`
   * names what is missed while the log cannot be read, for health.
   */
  async follow<T>(
    path: string,
    parse: (bytes: Uint8Array) => LogReading<T>,
    unseen: string,
  ): Promise<T[]> {
    this.#problems = [];
    const positions = parsePositions(await getMeta(this.#db, this.#key));
    const known = positions[path];
    const fresh = known === undefined;
    const save = (position: LogPosition) => this.#save(positions, path, position);
    let read;
    try {
      read = await readRegularRange(path, fresh ? 0 : known.offset, this.#chunk);
    } catch (error) {
      this.#problems.push(`${this.#what} "${path}" cannot be read (${(error as Error).message})`);
      return [];
    }
    if (read.kind === "absent") {
      if (fresh || known.ino !== 0) await save({ ino: 0, offset: 0 });
      return [];
    }
    if (read.kind !== "ok") {
      this.#problems.push(`${this.#what} "${path}" ${describeRefusal(read)}; ${unseen}`);
      return [];
    }
    if (fresh) {
      await save({ ino: read.ino, offset: read.size });
      return [];
    }
    // A rotated or truncated log is read from its start.
    if ((known.ino !== 0 && known.ino !== read.ino) || read.size < known.offset) {
      read = await readRegularRange(path, 0, this.#chunk);
      if (read.kind !== "ok") return [];
      known.offset = 0;
    }
    const bytes = read.bytes;
    if (bytes.length === 0) {
      if (known.ino !== read.ino) await save({ ino: read.ino, offset: 0 });
      return [];
    }
    // Only whole lines: a line being written is read next time.
    const whole = bytes.lastIndexOf(0x0a) + 1;
    const reading = parse(bytes.subarray(0, whole));
    let used = reading.used;
    if (used === 0 && bytes.length === this.#chunk) {
      // A line, or a run of lines, longer than a whole chunk: skipped.
      used = whole > 0 ? whole : bytes.length;
      this.#skipped.bytes += used;
      this.#skipped.times++;
    }
    if (used > 0) await save({ ino: read.ino, offset: known.offset + used });
    return reading.items;
  }

  async #save(positions: Positions, path: string, position: LogPosition): Promise<void> {
    // The path read now goes last; the oldest beyond MAX_PATHS are forgotten.
    const kept = Object.entries(positions).filter(([name]) => name !== path)
      .slice(-(MAX_PATHS - 1));
    await setMeta(
      this.#db,
      this.#key,
      JSON.stringify(Object.fromEntries([...kept, [path, position]])),
    );
  }

  /** Trouble reading the log at the last look, and what was skipped since start. */
  problems(): string[] {
    const problems = [...this.#problems];
    if (this.#skipped.times > 0) {
      problems.push(
        `${this.#what} held ${this.#skipped.times} line(s) or run(s) of lines longer than ${this.#chunk} bytes since the agent started; ${this.#skipped.bytes} bytes were skipped unread`,
      );
    }
    return problems;
  }
}
