/**
 * Submits the samples the policy (or a person) allows to the organisation's
 * sample store, and nowhere else. Each run first gives up what waited too
 * long (samples.consentExpiryDays) or what the level no longer allows,
 * then sends what is due: the file is read again at that moment and must
 * still be what was detected (same SHA-256), the level in effect is asked
 * again, the daily cap is kept, and every attempt is recorded (started,
 * then completed or failed, with any signature redacted). Failed attempts
 * are retried with backoff, a few times, then given up.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { RawEvent } from "../catalog/raw_event.ts";
import { describeRefusal, readRegularRange } from "../ffi/read_regular_file.ts";
import { sha256Hex } from "../export/hash_chain.ts";
import { DeletionGate } from "../policy/deletion_gate.ts";
import { findPersonalDataAside, readMachineFacts } from "./personal_data.ts";
import { errorCode } from "./examine_sample.ts";
import type { Policy } from "../policy/policy.ts";
import { decideSample } from "./sample_decision.ts";
import { AGENT_ACTOR } from "../policy/actor_name.ts";
import { sampleDestination } from "../policy/tiers.ts";
import {
  dueSamples,
  moveSample,
  noteSampleAttempt,
  type Sample,
  staleSamples,
  submittedBytesInWindow,
  WAITING_STATES,
} from "../store/sample_queries.ts";
import type { Database, SampleState } from "../store/schema.ts";
import { checkUploadUrl, redactUploadUrl, uploadBlob, UploadError } from "../uplink/blob_upload.ts";
import { readSampleSas, readTlsFiles, readToken } from "../uplink/credentials.ts";
import { Redactor } from "../uplink/redact.ts";
import { backoffDelay } from "../uplink/backoff.ts";

/** Attempts made before a sample is given up. */
export const MAX_SAMPLE_ATTEMPTS = 6;
/** The wait after the first failed attempt; it doubles after each. */
const FIRST_RETRY_MS = 30_000;
/** The longest wait between attempts. */
const MAX_RETRY_MS = 60 * 60 * 1000;
/** Samples sent in one run. */
const PER_RUN = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function sampleRetryMs(attempts: number): number {
  return backoffDelay(attempts, { firstMs: FIRST_RETRY_MS, capMs: MAX_RETRY_MS });
}

/** A decision about a sample, as its record. */
function decisionEvent(
  sample: Sample,
  decision: "hold" | "expire" | "withdraw" | "drop",
  reason: string,
): RawEvent {
  return {
    type: "sample_decision",
    fields: { sample_id: sample.id, decision, actor: AGENT_ACTOR, reason },
  };
}

/** The agent's sample submitter, run as a scheduler task. */
export class SampleSubmitter {
  readonly #db: Kysely<Database>;
  readonly #record: (events: readonly RawEvent[]) => Promise<number>;
  readonly #gate = new DeletionGate();
  #problems: string[] = [];

  constructor(db: Kysely<Database>, record: (events: readonly RawEvent[]) => Promise<number>) {
    this.#db = db;
    this.#record = record;
  }

  /** Trouble at the last run, for health. */
  problems(): string[] {
    return this.#problems;
  }

  /** Whether a sample waits to be sent now (the policy is then read afresh first). */
  async hasDue(): Promise<boolean> {
    return (await dueSamples(this.#db, Date.now(), 1)).length > 0;
  }

  /** One run under `policy`. */
  async run(policy: Policy): Promise<void> {
    const problems: string[] = [];
    try {
      await this.#giveUpStale(policy);
      // Withdrawing cannot be undone: only a policy that may delete does it
      // (a managed file that cannot be read fails closed to none, and waits).
      const mayDelete = this.#gate.mayDelete(policy);
      if (policy.get("cloudService.automaticSampleSubmissionConsent") === "none") {
        if (mayDelete) await this.#withdrawAll();
        else {
          problems.push(
            "Samples wait: the managed policy cannot be read or is invalid, so none is submitted (it fails closed to none) and none is withdrawn",
          );
        }
        return;
      }
      const due = await dueSamples(this.#db, Date.now(), PER_RUN);
      if (due.length === 0) return;
      const destination = sampleDestination(policy);
      if ("none" in destination) {
        problems.push(
          `${due.length} sample(s) wait to be submitted, but they can go ${destination.none}`,
        );
        return;
      }
      for (const sample of due) {
        const stop = await this.#submit(sample, policy, destination.url);
        if (stop) {
          problems.push(stop);
          break;
        }
      }
    } finally {
      this.#problems = problems;
    }
  }

  async #move(
    sample: Sample,
    to: SampleState,
    event: RawEvent,
    reason: string,
  ): Promise<void> {
    if (await moveSample(this.#db, sample.id, WAITING_STATES, to, { reason })) {
      if (sample.copy && to !== "held") await Deno.remove(sample.copy).catch(() => {});
      await this.#record([event]);
    }
  }

  async #giveUpStale(policy: Policy): Promise<void> {
    const days = policy.get("samples.consentExpiryDays");
    for (const sample of await staleSamples(this.#db, Date.now() - days * DAY_MS)) {
      const reason = sample.state === "held"
        ? `No one approved it within samples.consentExpiryDays (${days} days): it is never submitted`
        : `It could not be submitted within samples.consentExpiryDays (${days} days): it is given up`;
      await this.#move(sample, "expired", decisionEvent(sample, "expire", reason), reason);
    }
  }

  async #withdrawAll(): Promise<void> {
    const reason =
      "Sample submission is now off (none): it is never submitted, even if it was approved";
    for (const sample of await staleSamples(this.#db, Number.MAX_SAFE_INTEGER)) {
      await this.#move(sample, "withdrawn", decisionEvent(sample, "withdraw", reason), reason);
    }
  }

  /**
   * Sends one sample; returns a problem that stops this run (a credential
   * or the daily cap), or null.
   */
  async #submit(sample: Sample, policy: Policy, base: URL): Promise<string | null> {
    const bytes = await this.#readCopy(sample, policy);
    if (bytes === null || !await this.#stillAllowed(sample, bytes, policy)) return null;
    const cap = policy.get("samples.maxDailyMB") * 1024 * 1024;
    if (await submittedBytesInWindow(this.#db) + bytes.length > cap) {
      return `The daily sample cap (samples.maxDailyMB, ${
        cap / 1048576
      } MiB) is reached: samples wait until the last 24 hours allow them`;
    }
    let address: { url: URL; bearer: string | null };
    try {
      address = await addressOf(sample, policy, base);
    } catch (error) {
      return `Samples cannot be submitted: ${(error as Error).message}`;
    }
    await this.#attempt(sample, bytes, address, policy);
    return null;
  }

  /**
   * The bytes of vitrine's own copy of what ClamAV confirmed; null (the
   * sample dropped, with its record) when there is none or it changed.
   * The file's path is never read again (a sample detected before vitrine
   * kept copies of every sample has none, and is dropped).
   */
  async #readCopy(sample: Sample, policy: Policy): Promise<Uint8Array<ArrayBuffer> | null> {
    const maxBytes = policy.get("samples.maxSizeMB") * 1024 * 1024;
    const read = sample.copy === null
      ? ({ kind: "no_copy" } as const)
      : await readRegularRange(sample.copy, 0, maxBytes + 1, { noLinks: true }).catch((error) => ({
        kind: "error" as const,
        message: errorCode(error),
      }));
    if (read.kind === "ok" && read.size <= maxBytes && sha256Hex(read.bytes) === sample.sha256) {
      return read.bytes;
    }
    const why = read.kind === "no_copy"
      ? "vitrine holds no copy of the bytes ClamAV confirmed (it was detected before vitrine kept one for every sample), and it never reads the file's path again"
      : read.kind === "absent"
      ? "vitrine's copy of it is gone"
      : read.kind === "error"
      ? `the file cannot be read (${read.message})`
      : read.kind !== "ok"
      ? `the file ${describeRefusal(read)}`
      : "vitrine's copy of it changed since it was detected (its SHA-256 differs)";
    const reason = `Not submitted: ${why}; it is never submitted`;
    await this.#move(sample, "dropped", decisionEvent(sample, "drop", reason), reason);
    return null;
  }

  /**
   * Whether the level in effect still lets `bytes` go: it may have changed
   * since detection, and safe asks again unless a person approved (a sample
   * safe would hold is held, with its record).
   */
  async #stillAllowed(sample: Sample, bytes: Uint8Array, policy: Policy): Promise<boolean> {
    const level = policy.get("cloudService.automaticSampleSubmissionConsent");
    if (level !== "safe" || sample.state === "approved") return true;
    const facts = await readMachineFacts();
    const decision = decideSample(
      level,
      bytes,
      facts,
      false,
      await findPersonalDataAside(bytes, facts),
    );
    if (decision.submit) return true;
    await this.#move(
      sample,
      "held",
      decisionEvent(sample, "hold", decision.reason),
      decision.reason,
    );
    return false;
  }

  /** One attempt to put `bytes` at `address`, recorded started, then completed or failed. */
  async #attempt(
    sample: Sample,
    bytes: Uint8Array<ArrayBuffer>,
    address: { url: URL; bearer: string | null },
    policy: Policy,
  ): Promise<void> {
    const { url, bearer } = address;
    // A sample that may leave was confirmed, so its digest is known.
    const link = { sample_id: sample.id, sha256: sample.sha256 ?? "", destination_host: url.host };
    const attempt = sample.attempts + 1;
    await this.#record([{
      type: "sample_submission_started",
      fields: { ...link, size: bytes.length, attempt },
    }]);
    try {
      const { requestId } = await uploadBlob(url, bytes, {
        timeoutMs: policy.get("cloudService.timeout") * 1000,
        proxy: policy.get("cloudService.proxy"),
        tls: await readTlsFiles(policy),
        contentType: "application/octet-stream",
        bearer,
      });
      await moveSample(this.#db, sample.id, ["queued", "approved"], "submitted", {
        attempts: attempt,
        submitted_at: Date.now(),
        destination: url.host,
        request_id: requestId,
        last_error: null,
        next_attempt_at: null,
        reason: `Submitted to ${url.host}`,
      });
      if (sample.copy) await Deno.remove(sample.copy).catch(() => {});
      await this.#record([{
        type: "sample_submission_completed",
        fields: { ...link, request_id: requestId, blob_uri: redactUploadUrl(url) },
      }]);
    } catch (error) {
      await this.#failed(sample, attempt, link, new Redactor(url, [bearer]), error);
    }
  }

  /** A failed attempt: retried after a back-off, or given up after the last; recorded either way. */
  async #failed(
    sample: Sample,
    attempt: number,
    link: { sample_id: string; sha256: string; destination_host: string },
    redactor: Redactor,
    error: unknown,
  ): Promise<void> {
    // Whatever failed, its words pass through the redactor before they are kept.
    const failure = error instanceof UploadError
      ? error
      : new UploadError((error as Error).message, null, redactor);
    const message = redactor.redact(failure.message);
    const last = attempt >= MAX_SAMPLE_ATTEMPTS;
    const retryAt = last ? null : Date.now() + sampleRetryMs(attempt);
    if (last) {
      await moveSample(this.#db, sample.id, ["queued", "approved"], "failed", {
        attempts: attempt,
        last_error: message,
        destination: link.destination_host,
        reason: `Given up after ${attempt} failed attempts: ${message}`,
      });
      if (sample.copy) await Deno.remove(sample.copy).catch(() => {});
    } else {
      await noteSampleAttempt(this.#db, sample.id, {
        attempts: attempt,
        next_attempt_at: retryAt,
        last_error: message,
        destination: link.destination_host,
      });
    }
    await this.#record([{
      type: "sample_submission_failed",
      fields: { ...link, error: message, status: failure.status, retry_at: retryAt },
    }]);
  }
}

/**
 * Where sample `sample` goes under `base` (samples.submissionUri): named
 * after its SHA-256, with the container's SAS, or else the bearer token.
 * Throws why it cannot go (a credential that cannot be read, an address refused).
 */
async function addressOf(
  sample: Sample,
  policy: Policy,
  base: URL,
): Promise<{ url: URL; bearer: string | null }> {
  const sas = await readSampleSas(policy);
  const url = new URL(`${base.href.replace(/\/+$/, "")}/${sample.sha256}`);
  if (sas !== null) url.search = sas;
  const bearer = sas === null ? await readToken(policy) : null;
  return { url: checkUploadUrl(url.href), bearer };
}
