/**
 * Security intelligence from ClamAV: looks at the signature databases and
 * freshclam's log on an interval, keeps sig_version current, and records
 * each change of the daily database's version (status success) and each
 * failed update the log reports (status failure).
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { RawEvent } from "../catalog/raw_event.ts";
import {
  type DatabaseDirectory,
  DATABASES,
  readDatabaseDirectory,
  sigVersionOf,
} from "../intelligence/clamav_databases.ts";
import { type FailedUpdate, readFreshclamLog, usesProxy } from "../intelligence/freshclam.ts";
import type { Policy } from "../policy/policy.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";
import type { Collector } from "./collector.ts";

/** The most of freshclam's log read in one look. */
const LOG_CHUNK = 1024 * 1024;

/** The version last seen, kept across runs (so that an update while stopped is seen). */
const VERSION_KEY = "intelligence_version";
/** How far freshclam's log was read: the file's identity and the offset. */
const LOG_KEY = "freshclam_log";

/** Size, time and inode of each database file: what says a file changed. */
async function stampOf(directory: string): Promise<string> {
  const parts: string[] = [directory];
  for (const name of DATABASES) {
    for (const extension of ["cld", "cvd"]) {
      try {
        const info = await Deno.stat(`${directory}/${name}.${extension}`);
        parts.push(`${name}.${extension}:${info.ino}:${info.size}:${info.mtime?.getTime()}`);
      } catch {
        parts.push(`${name}.${extension}:-`);
      }
    }
  }
  return parts.join("|");
}

async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

/** Watches ClamAV's databases on the security intelligence interval. */
export class IntelligenceCollector implements Collector {
  readonly name = "intelligence";
  readonly interval = "securityIntelligence.checkInterval";
  readonly immediate = true;
  readonly #db: Kysely<Database>;
  readonly #onVersion: (version: string | null) => void;
  #stamp = "";
  #directory: DatabaseDirectory | null = null;
  #logProblem: string | null = null;

  /** `onVersion` hears the daily version whenever it is read (null: none installed). */
  constructor(db: Kysely<Database>, onVersion: (version: string | null) => void) {
    this.#db = db;
    this.#onVersion = onVersion;
  }

  /** Reads the databases now, so that the first records carry sig_version. */
  async apply(policy: Policy): Promise<void> {
    await this.#look(policy.get("securityIntelligence.databaseDirectory"));
  }

  async #look(directory: string): Promise<string | null> {
    const stamp = await stampOf(directory);
    if (stamp !== this.#stamp || this.#directory === null) {
      this.#directory = await readDatabaseDirectory(directory);
      this.#stamp = stamp;
    }
    const version = sigVersionOf(this.#directory);
    this.#onVersion(version);
    return version;
  }

  async collect(policy: Policy): Promise<RawEvent[]> {
    const version = await this.#look(policy.get("securityIntelligence.databaseDirectory"));
    const events: RawEvent[] = [];
    const stored = await getMeta(this.#db, VERSION_KEY);
    const previous = stored === undefined ? undefined : JSON.parse(stored) as string | null;
    let proxy: boolean | null = null;
    const usingProxy = async () =>
      proxy ??= usesProxy(
        (await readText(policy.get("securityIntelligence.freshclamConfig"))) ?? "",
      );
    // The first look only notes the version: finding ClamAV is not an update.
    if (previous !== undefined && version !== null && version !== previous) {
      events.push({
        type: "security_intelligence_update",
        fields: {
          from_version: previous,
          to_version: version,
          status: "success",
          using_proxy: await usingProxy(),
          error: null,
          reason: null,
        },
      });
    }
    if (previous === undefined || version !== previous) {
      await setMeta(this.#db, VERSION_KEY, JSON.stringify(version));
    }
    for (
      const failure of await this.#newFailures(policy.get("securityIntelligence.freshclamLog"))
    ) {
      events.push({
        type: "security_intelligence_update",
        fields: {
          from_version: version,
          to_version: failure.toVersion,
          status: "failure",
          using_proxy: await usingProxy(),
          error: failure.error,
          reason: failure.reason,
        },
      });
    }
    return events;
  }

  /** Failed updates logged since the last look (none at the first: history is not news). */
  async #newFailures(path: string): Promise<FailedUpdate[]> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
      this.#logProblem = null;
    } catch (error) {
      this.#logProblem = error instanceof Deno.errors.NotFound
        ? null
        : `freshclam's log "${path}" cannot be read (${(error as Error).message})`;
      return [];
    }
    const stored = await getMeta(this.#db, LOG_KEY);
    const read = stored
      ? JSON.parse(stored) as { path: string; ino: number; offset: number }
      : null;
    const fresh = !read || read.path !== path;
    // A rotated or truncated log is read from its start.
    const start = fresh
      ? info.size
      : read.ino !== info.ino || info.size < read.offset
      ? 0
      : read.offset;
    if (start >= info.size) {
      if (fresh) await this.#saveLog(path, info.ino ?? 0, info.size);
      return [];
    }
    let text: string;
    try {
      const file = await Deno.open(path, { read: true });
      try {
        await file.seek(start, Deno.SeekMode.Start);
        const buffer = new Uint8Array(Math.min(LOG_CHUNK, info.size - start));
        let filled = 0;
        while (filled < buffer.length) {
          const n = await file.read(buffer.subarray(filled));
          if (n === null) break;
          filled += n;
        }
        text = new TextDecoder().decode(buffer.subarray(0, filled));
      } finally {
        file.close();
      }
    } catch (error) {
      this.#logProblem = `freshclam's log "${path}" cannot be read (${(error as Error).message})`;
      return [];
    }
    // Only whole lines of finished update runs: the rest is read next time.
    const reading = readFreshclamLog(text.slice(0, text.lastIndexOf("\n") + 1));
    const used = new TextEncoder().encode(text.slice(0, reading.used)).length;
    if (used > 0) await this.#saveLog(path, info.ino ?? 0, start + used);
    return reading.failures;
  }

  async #saveLog(path: string, ino: number, offset: number): Promise<void> {
    await setMeta(this.#db, LOG_KEY, JSON.stringify({ path, ino, offset }));
  }

  /** Trouble with freshclam's log (the databases' own trouble is in health's intelligence). */
  problems(): string[] {
    return this.#logProblem ? [this.#logProblem] : [];
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
