/**
 * Sample detections: follows the log where ClamAV writes what it found
 * (samples.detectionLog), examines each flagged file and records a
 * sample_detection with the decision under the sample-submission level.
 * What may leave is queued (or held for consent) for the submitter; a
 * private copy is kept when samples.keepCopy asks for one.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { dataPaths } from "../agent/data_dir.ts";
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Collector } from "../collectors/collector.ts";
import { LogFollower } from "../collectors/log_follower.ts";
import { writePrivateFile } from "../files/private_file.ts";
import { readDetections } from "../intelligence/clamav_detections.ts";
import { readMachineFacts } from "../policy/personal_data.ts";
import type { Policy } from "../policy/policy.ts";
import { insertSample, sampleWithContent } from "../store/sample_queries.ts";
import type { Database, SampleState, SampleTable } from "../store/schema.ts";
import { type Examination, examineSample } from "./examine_sample.ts";

/** Where the detection log was read to. */
const LOG_KEY = "detection_log";
/** Detections examined in one look; the rest wait for the next. */
const MAX_PER_LOOK = 20;

const STATE_OF = {
  submit: "queued",
  hold: "held",
  keep: "kept",
  defer: "queued",
} as const satisfies Record<SampleTable["decision"], SampleState>;

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

  constructor(db: Kysely<Database>, dataDir: string) {
    this.#db = db;
    this.#dataDir = dataDir;
    this.#log = new LogFollower(db, LOG_KEY, "ClamAV's detection log");
  }

  apply(): Promise<void> {
    return Promise.resolve();
  }

  async collect(policy: Policy): Promise<RawEvent[]> {
    const detections = await this.#log.follow(
      policy.get("samples.detectionLog"),
      (bytes) => readDetections(bytes, MAX_PER_LOOK),
      "detections are not seen",
    );
    if (detections.length === 0) return [];
    // A managed file that cannot be read makes the policy fail closed (none):
    // the decision waits for a policy that can be read, rather than keep the
    // sample here for good because of a moment's bad read.
    const failingClosed = policy.managedState === "invalid";
    const rules = {
      level: failingClosed
        ? "all" as const
        : policy.get("cloudService.automaticSampleSubmissionConsent"),
      maxBytes: policy.get("samples.maxSizeMB") * 1024 * 1024,
      facts: await readMachineFacts(),
    };
    const events: RawEvent[] = [];
    for (const detection of detections) {
      const exam: Omit<Examination, "outcome"> & { outcome: SampleTable["decision"] } =
        await examineSample(detection, rules);
      if (failingClosed && exam.outcome !== "keep") {
        exam.outcome = "defer";
        exam.reason =
          "The managed policy cannot be read or is invalid: the decision waits until it can, and nothing is submitted meanwhile";
      }
      const known = exam.sha256 && exam.outcome !== "keep"
        ? await sampleWithContent(this.#db, exam.sha256)
        : undefined;
      if (known) {
        // ClamAV flags the same file at every scan (on access, at every open).
        exam.outcome = "keep";
        exam.bytes = null;
        exam.reason = `The same content was detected before (sample ${known.id}, ${
          known.state === "declined" ? `declined by ${known.decided_by}` : `now ${known.state}`
        }): it is not submitted twice`;
      }
      const id = crypto.randomUUID();
      const copy = exam.bytes && policy.get("samples.keepCopy")
        ? await this.#copy(id, exam.bytes)
        : null;
      await insertSample(this.#db, {
        id,
        detected_at: Date.now(),
        signature: detection.signature,
        sha256: exam.sha256,
        size: exam.size,
        file_type: exam.fileType,
        path: exam.outcome === "keep" ? null : detection.path,
        copy,
        decision: exam.outcome,
        findings: exam.findings,
        reason: exam.reason,
        state: STATE_OF[exam.outcome],
      });
      events.push({
        type: "sample_detection",
        fields: {
          sample_id: id,
          signature: detection.signature,
          sha256: exam.sha256,
          size: exam.size,
          file_type: exam.fileType,
          decision: exam.outcome,
          reason: exam.reason,
          path: detection.path,
        },
      });
    }
    return events;
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
      }); it is submitted from where ClamAV found it`;
      return null;
    }
  }

  problems(): string[] {
    return [...this.#log.problems(), ...(this.#copyProblem ? [this.#copyProblem] : [])];
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
