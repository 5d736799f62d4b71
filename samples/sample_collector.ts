/**
 * Sample detections: follows the log where ClamAV writes what it found
 * (samples.detectionLog), has each claimed detection confirmed by ClamAV
 * on the bytes vitrine read, and records a sample_detection with the
 * decision under the sample-submission level. What may leave is kept as a
 * private copy of those very bytes (the file's path is never read again)
 * and queued (or held for consent) for the submitter.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { dataPaths } from "../store/data_paths.ts";
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Collector } from "../collectors/collector.ts";
import { LogFollower } from "../collectors/log_follower.ts";
import { writePrivateFile } from "../files/private_file.ts";
import { type Detection, readDetections } from "../intelligence/clamav_detections.ts";
import { type ClamavVerdict, clamavVerdict } from "../intelligence/clamav_verdict.ts";
import { readMachineFacts } from "./personal_data.ts";
import type { Policy } from "../policy/policy.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import { copiedBytes, insertSample, sampleWithContent } from "../store/sample_queries.ts";
import type { Database, SampleState, SampleTable } from "../store/schema.ts";
import {
  type Confirmed,
  type ExamineRules,
  examineSample,
  type UnconfirmedCause,
} from "./examine_sample.ts";

/** Where the detection log was read to. */
const LOG_KEY = "detection_log";
/** Detections examined in one look; the rest wait for the next. */
const MAX_PER_LOOK = 20;
/** The longest ClamAV may take over one verdict (clamscan loads its databases first). */
const VERDICT_TIMEOUT_MS = 120_000;
/** How long ClamAV is not asked again after it could not be asked. */
const ASK_AGAIN_MS = 60_000;
/** Waiting copies kept at most, in days of samples.maxDailyMB. */
const COPY_DAYS = 2;

const STATE_OF = {
  submit: "queued",
  hold: "held",
  keep: "kept",
  defer: "queued",
} as const satisfies Record<SampleTable["decision"], SampleState>;

/** Where the doubts are totalled, in the meta table. */
const DOUBTS_KEY = "sample_doubts";

/** What the collector saw that it did not believe, since the database was made. */
export interface DetectionDoubts {
  /** Lines shaped like detections that no ClamAV writes (control characters, no signature name). */
  malformed: number;
  /** Claimed detections ClamAV did not confirm, by cause. */
  unconfirmed: Partial<Record<UnconfirmedCause, number>>;
}

/** What the collector did not believe, totalled since the database was made. */
export async function detectionDoubts(db: Kysely<Database>): Promise<DetectionDoubts> {
  const stored = await getMeta(db, DOUBTS_KEY);
  return stored ? JSON.parse(stored) : { malformed: 0, unconfirmed: {} };
}

/** Reads ClamAV's detections on the samples.checkInterval. */
export class SampleCollector implements Collector {
  readonly name = "samples";
  readonly interval = "samples.checkInterval";
  readonly immediate = true;
  // Checking a large sample for personal data takes seconds of CPU (done in turns).
  readonly timeoutMs = 5 * 60 * 1000;
  readonly #db: Kysely<Database>;
  readonly #dataDir: string;
  readonly #log: LogFollower;
  #copyProblem: string | null = null;
  #clamavProblem: string | null = null;
  /** After ClamAV could not be asked, it is not asked again before this time (epoch ms). */
  #askAgainAt = 0;
  #unavailableWhy = "";

  constructor(db: Kysely<Database>, dataDir: string) {
    this.#db = db;
    this.#dataDir = dataDir;
    this.#log = new LogFollower(db, LOG_KEY, "ClamAV's detection log");
  }

  apply(): Promise<void> {
    return Promise.resolve();
  }

  async collect(policy: Policy): Promise<RawEvent[]> {
    let malformed = 0;
    const detections = await this.#log.follow(
      policy.get("samples.detectionLog"),
      (bytes) => {
        const reading = readDetections(bytes, MAX_PER_LOOK);
        malformed += reading.malformed;
        return reading;
      },
      "detections are not seen",
    );
    const doubts = await detectionDoubts(this.#db);
    doubts.malformed += malformed;
    try {
      return await this.#examine(detections, policy, doubts);
    } finally {
      if (malformed > 0 || detections.length > 0) {
        await setMeta(this.#db, DOUBTS_KEY, JSON.stringify(doubts));
      }
    }
  }

  async #examine(
    detections: readonly Detection[],
    policy: Policy,
    doubts: DetectionDoubts,
  ): Promise<RawEvent[]> {
    if (detections.length === 0) return [];
    // A managed file that cannot be read makes the policy fail closed (none):
    // the decision waits for a policy that can be read, rather than keep the
    // sample here for good because of a moment's bad read.
    const failingClosed = policy.managedState === "invalid";
    const rules: ExamineRules = {
      level: failingClosed ? "all" : policy.get("cloudService.automaticSampleSubmissionConsent"),
      maxBytes: policy.get("samples.maxSizeMB") * 1024 * 1024,
      facts: await readMachineFacts(),
      verdict: (bytes, signature) => this.#verdict(bytes, signature, policy),
    };
    const events: RawEvent[] = [];
    for (const detection of detections) {
      const exam = await examineSample(detection, rules);
      if (!exam.confirmed) {
        doubts.unconfirmed[exam.cause] = (doubts.unconfirmed[exam.cause] ?? 0) + 1;
        this.#clamavProblem = exam.cause === "clamav_unavailable"
          ? `${exam.reason}: detections are recorded as unconfirmed and no sample leaves until ClamAV answers (run clamd, or install clamscan)`
          : null;
        events.push({
          type: "sample_detection",
          fields: {
            sample_id: crypto.randomUUID(),
            signature: null,
            sha256: null,
            size: null,
            file_type: null,
            decision: "unconfirmed",
            reason: exam.reason,
            path: null,
          },
        });
        continue;
      }
      this.#clamavProblem = null;
      events.push(await this.#keep(detection.path, exam, policy, failingClosed));
    }
    return events;
  }

  /**
   * ClamAV's verdict; once it could not be asked (clamd down, clamscan out
   * of time), it is not asked again for a while, so that one look does not
   * wait out the time limit for every detection.
   */
  async #verdict(bytes: Uint8Array, signature: string, policy: Policy): Promise<ClamavVerdict> {
    if (Date.now() < this.#askAgainAt) {
      return {
        kind: "unavailable",
        why: `${this.#unavailableWhy}; not asked again before ${
          new Date(this.#askAgainAt).toISOString()
        }`,
      };
    }
    const verdict = await clamavVerdict(bytes, signature, {
      clamdSocket: policy.get("samples.clamdSocket"),
      databaseDirectory: policy.get("securityIntelligence.databaseDirectory"),
      timeoutMs: VERDICT_TIMEOUT_MS,
    });
    if (verdict.kind === "unavailable") {
      this.#askAgainAt = Date.now() + ASK_AGAIN_MS;
      this.#unavailableWhy = verdict.why;
    }
    return verdict;
  }

  /** Stores a confirmed sample (with its private copy when it may leave); its record. */
  async #keep(
    path: string,
    exam: Confirmed,
    policy: Policy,
    failingClosed: boolean,
  ): Promise<RawEvent> {
    let outcome: SampleTable["decision"] = exam.outcome;
    let reason = exam.reason;
    if (failingClosed && outcome !== "keep") {
      outcome = "defer";
      reason =
        `${exam.reason} The managed policy cannot be read or is invalid: the decision waits until it can, and nothing is submitted meanwhile`;
    }
    const known = outcome !== "keep" ? await sampleWithContent(this.#db, exam.sha256) : undefined;
    if (known) {
      // ClamAV flags the same file at every scan (on access, at every open).
      outcome = "keep";
      reason = `The same content was detected before (sample ${known.id}, ${
        known.state === "declined" ? `declined by ${known.decided_by}` : `now ${known.state}`
      }): it is not submitted twice`;
    }
    const id = crypto.randomUUID();
    let copy: string | null = null;
    if (outcome !== "keep" && exam.bytes) {
      const room = policy.get("samples.maxDailyMB") * 1024 * 1024 * COPY_DAYS -
        await copiedBytes(this.#db);
      copy = exam.bytes.length <= room ? await this.#copy(id, exam.bytes) : null;
      if (copy === null) {
        outcome = "keep";
        reason = exam.bytes.length > room
          ? `vitrine already keeps ${COPY_DAYS} days' worth of samples.maxDailyMB in samples waiting to leave: this one stays here`
          : "vitrine could not keep its own copy of the bytes ClamAV confirmed: it stays here";
      }
    }
    await insertSample(this.#db, {
      id,
      detected_at: Date.now(),
      signature: exam.signature,
      sha256: exam.sha256,
      size: exam.size,
      file_type: exam.fileType,
      path: outcome === "keep" ? null : path,
      copy,
      decision: outcome,
      findings: exam.findings,
      reason,
      state: STATE_OF[outcome],
    });
    return {
      type: "sample_detection",
      fields: {
        sample_id: id,
        signature: exam.signature,
        sha256: exam.sha256,
        size: exam.size,
        file_type: exam.fileType,
        decision: outcome,
        reason,
        path,
      },
    };
  }

  /** Keeps a private copy of a sample; null (with a problem in health) when it cannot. */
  async #copy(id: string, bytes: Uint8Array<ArrayBuffer>): Promise<string | null> {
    const folder = dataPaths(this.#dataDir).samples;
    try {
      await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
      await Deno.chmod(folder, 0o700);
      const path = `${folder}/${id}`;
      await writePrivateFile(path, bytes);
      this.#copyProblem = null;
      return path;
    } catch (error) {
      this.#copyProblem = `A sample's private copy could not be kept in "${folder}" (${
        (error as Error).message
      }); it stays on this machine`;
      return null;
    }
  }

  problems(): string[] {
    return [
      ...this.#log.problems(),
      ...(this.#copyProblem ? [this.#copyProblem] : []),
      ...(this.#clamavProblem ? [this.#clamavProblem] : []),
    ];
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
