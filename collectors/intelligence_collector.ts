/**
 * Security intelligence from ClamAV: looks at the signature databases and
 * freshclam's log on an interval, keeps sig_version current, and records
 * each real change of the daily database's version (status success) and
 * each failed update the log reports (status failure).
 *
 * A version is known, unknown (no database, or none readable) or changed:
 * only a change from one known version to another is an update. Going
 * unknown is reported in health, never recorded as an update, and a
 * version that comes back unchanged is not one either.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { RawEvent } from "../catalog/raw_event.ts";
import { describeRefusal, readSmallText } from "../ffi/read_regular_file.ts";
import {
  type DatabaseDirectory,
  DATABASES,
  readDatabaseDirectory,
  sigVersionOf,
} from "../intelligence/clamav_databases.ts";
import { readFreshclamLog, usesProxy } from "../intelligence/freshclam.ts";
import type { Policy } from "../policy/policy.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";
import type { Collector } from "./collector.ts";
import { LogFollower } from "./log_follower.ts";

/** The largest freshclam configuration read. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The version state, kept across runs (so that an update while stopped is seen). */
const VERSION_KEY = "intelligence_version";
/** How far freshclam's log was read: the file's identity and the byte offset. */
const LOG_KEY = "freshclam_log";

/** What is kept of the daily version between looks. */
export interface VersionState {
  /** The last version read, kept while the databases are missing or unreadable. */
  known: string | null;
  /** Since when no version could be read although one was known (epoch ms), or null. */
  missingSince: number | null;
}

/** The version state stored in `db` (undefined before the first look). */
export async function versionState(db: Kysely<Database>): Promise<VersionState | undefined> {
  const stored = await getMeta(db, VERSION_KEY);
  if (stored === undefined) return undefined;
  const value = JSON.parse(stored) as unknown;
  // Earlier versions stored the version itself (or null).
  if (value === null || typeof value === "string") return { known: value, missingSince: null };
  return value as VersionState;
}

/** Size, time and inode of each database file: what says a file changed. */
async function stampOf(directory: string): Promise<string> {
  const parts: string[] = [directory];
  for (const name of DATABASES) {
    for (const extension of ["cld", "cvd"]) {
      try {
        // lstat never opens the file, so it cannot block on a FIFO.
        const info = await Deno.lstat(`${directory}/${name}.${extension}`);
        parts.push(`${name}.${extension}:${info.ino}:${info.size}:${info.mtime?.getTime()}`);
      } catch {
        parts.push(`${name}.${extension}:-`);
      }
    }
  }
  return parts.join("|");
}

/** Watches ClamAV's databases on the security intelligence interval. */
export class IntelligenceCollector implements Collector {
  readonly name = "intelligence";
  readonly interval = "securityIntelligence.checkInterval";
  readonly immediate = true;
  readonly #db: Kysely<Database>;
  readonly #onVersion: (version: string | null) => void;
  readonly #log: LogFollower;
  #stamp = "";
  #directory: DatabaseDirectory | null = null;
  #configProblem: string | null = null;
  #missing: VersionState | null = null;

  /** `onVersion` hears the daily version whenever it is read (null: none installed). */
  constructor(db: Kysely<Database>, onVersion: (version: string | null) => void) {
    this.#db = db;
    this.#log = new LogFollower(db, LOG_KEY, "freshclam's log");
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
    const previous = await versionState(this.#db);
    let proxy: boolean | null = null;
    const usingProxy = async () => proxy ??= await this.#usesProxy(policy);
    // The first look only notes the version: finding ClamAV is not an update.
    const next: VersionState = version !== null ? { known: version, missingSince: null } : {
      known: previous?.known ?? null,
      missingSince: previous?.known ? previous.missingSince ?? Date.now() : null,
    };
    if (previous?.known && version !== null && version !== previous.known) {
      events.push({
        type: "security_intelligence_update",
        fields: {
          from_version: previous.known,
          to_version: version,
          status: "success",
          using_proxy: await usingProxy(),
          error: null,
          reason: null,
        },
      });
    }
    if (JSON.stringify(previous) !== JSON.stringify(next)) {
      await setMeta(this.#db, VERSION_KEY, JSON.stringify(next));
    }
    this.#missing = next.missingSince === null ? null : next;
    const log = policy.get("securityIntelligence.freshclamLog");
    const failures = await this.#log.follow(log, (bytes) => {
      const reading = readFreshclamLog(bytes);
      return { items: reading.failures, used: reading.used };
    }, "failed updates are not seen");
    for (const failure of failures) {
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

  /** Whether freshclam's configuration names a proxy (false, with a problem, when unreadable). */
  async #usesProxy(policy: Policy): Promise<boolean> {
    const path = policy.get("securityIntelligence.freshclamConfig");
    this.#configProblem = null;
    try {
      const read = await readSmallText(path, MAX_CONFIG_BYTES);
      if (read.kind === "ok") return usesProxy(read.text);
      if (read.kind !== "absent") {
        this.#configProblem = `freshclam's configuration "${path}" ${
          describeRefusal(read)
        }; using_proxy is reported as false`;
      }
    } catch (error) {
      this.#configProblem = `freshclam's configuration "${path}" cannot be read (${
        (error as Error).message
      }); using_proxy is reported as false`;
    }
    return false;
  }

  /** Trouble with freshclam's files, and databases that went missing (the rest is in health's intelligence). */
  problems(): string[] {
    const problems = this.#log.problems();
    if (this.#configProblem) problems.push(this.#configProblem);
    if (this.#missing) {
      problems.push(
        `ClamAV's daily database (last seen at version ${this.#missing.known}) has been missing or unreadable since ${
          new Date(this.#missing.missingSince!).toISOString()
        }; sig_version is null until it is back.`,
      );
    }
    return problems;
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
