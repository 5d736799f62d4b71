/**
 * Sends queued events to the organisation's OTLP/HTTP endpoint: in bounded
 * batches, at least once (a part leaves the outbox only after a 2xx), with
 * retries that back off, and a log of every delivery. The network is never
 * waited on by collection or the dashboard.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Tier } from "../catalog/types.ts";
import { readRegularFile } from "../ffi/read_regular_file.ts";
import { APP_VERSION } from "../identity/identity.ts";
import { allowedTiers, type Policy } from "../policy/policy.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import { DeletionGate } from "../policy/deletion_gate.ts";
import {
  boundOutbox,
  clearOutbox,
  dropQueued,
  logDelivery,
  nextQueued,
  outboxDepth,
  outboxFlow,
  outboxLosses,
  queuedSince,
} from "../store/outbox_queries.ts";
import type { Database } from "../store/schema.ts";
import { egress, failureOf } from "./egress.ts";
import { Redactor } from "./redact.ts";

/** Events per request at most. */
const BATCH_EVENTS = 256;
/** Bytes per request at most (a larger batch is halved until it fits). */
const BATCH_BYTES = 1024 * 1024;
/** The first retry waits this long; each further one twice as long, up to connectionRetryTimeout. */
const FIRST_RETRY_MS = 1000;
/** How often the time of the last success is written down while all goes well. */
const STATS_EVERY_MS = 10_000;
/** How often the outbox is held to its bounds. */
const BOUND_EVERY_MS = 60_000;
/**
 * How long events may wait to fill a batch: one request per few seconds,
 * not one per event, keeps an idle agent's cost of sending small.
 */
const SEND_DELAY_MS = 5000;

/** What is kept between runs (in meta). */
interface UplinkStats {
  lastSuccessAt: number | null;
  lastError: { at: number; message: string } | null;
  /** Records receivers reported rejecting in a partial success. */
  rejected: number;
}

const STATS = "uplink_stats";

/** What health and the dashboard show of the sending half. */
export interface UplinkStatus extends UplinkStats {
  /** Parts a receiver refused for good (a 4xx other than 408 and 429, a redirect). */
  deadLettered: number;
  /** Parts ever queued and delivered: queued = delivered + waiting + every kind of unsent. */
  flow: { queued: number; delivered: number };
  /** Parts that went unsent because the outbox was full or they were too old. */
  dropped: Record<Tier, number>;
  /** Parts taken off the outbox because the policy no longer let them leave. */
  withdrawn: Record<Tier, number>;
  /** Parts whose data was deleted while they waited (retention, size limit, a lowered level). */
  deletedWithData: Record<Tier, number>;
  /** Whether the policy lets events be sent now, and where. */
  sending: boolean;
  endpoint: string | null;
  depth: Record<Tier, number>;
  /** When the next attempt may be made, while retries back off. */
  retryAt: number | null;
}

/** Where events go under `policy`, or null while sending is off. */
export function sendingTo(policy: Policy): URL | null {
  const uri = policy.get("cloudService.serviceUri");
  if (!policy.get("cloudService.enabled") || uri === null) return null;
  // Validation admits only http(s) host addresses; anything else sends nothing.
  const url = URL.parse(`${uri.replace(/\/+$/, "")}/v1/logs`);
  return url && /^https?:$/.test(url.protocol) ? url : null;
}

/** The tiers `policy` lets be queued for sending now (none while sending is off). */
export function queueTiers(policy: Policy): Tier[] {
  return sendingTo(policy) ? allowedTiers(policy, "send") : [];
}

const CRASH_SENDS = "crash_sends";

/**
 * Whether one more crash record may be queued today under `limit`
 * (crashUploadDailyLimit); counts it when it may.
 */
export async function allowCrashSend(db: Kysely<Database>, limit: number): Promise<boolean> {
  const today = new Date().toISOString().slice(0, 10);
  const stored = await getMeta(db, CRASH_SENDS);
  const sends = stored ? JSON.parse(stored) as { day: string; count: number } : null;
  const count = sends?.day === today ? sends.count : 0;
  if (count >= limit) return false;
  await setMeta(db, CRASH_SENDS, JSON.stringify({ day: today, count: count + 1 }));
  return true;
}

/** The sending half as health shows it, read from the database and the policy. */
export async function uplinkHealth(db: Kysely<Database>, policy: Policy): Promise<UplinkStatus> {
  const endpoint = sendingTo(policy);
  const losses = await outboxLosses(db);
  return {
    ...(await loadStats(db)),
    deadLettered: losses.refused.required + losses.refused.optional,
    flow: await outboxFlow(db),
    dropped: losses.bound,
    withdrawn: losses.withdrawn,
    deletedWithData: losses.with_data,
    sending: endpoint !== null,
    endpoint: endpoint?.host ?? null,
    depth: await outboxDepth(db),
    retryAt: null,
  };
}

async function loadStats(db: Kysely<Database>): Promise<UplinkStats> {
  const stored = await getMeta(db, STATS);
  const stats: UplinkStats = { lastSuccessAt: null, lastError: null, rejected: 0 };
  if (!stored) return stats;
  // Drop counts stored here by earlier versions now live with the outbox.
  const { lastSuccessAt, lastError, rejected } = JSON.parse(stored) as UplinkStats;
  return { ...stats, lastSuccessAt, lastError, rejected };
}

/** The number of seconds (or the date) of a Retry-After header, as a delay in ms. */
function retryAfter(headers: Headers, now: number): number | null {
  const value = headers.get("retry-after");
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** The sending half of the agent. */
export class Uplink {
  readonly #db: Kysely<Database>;
  #policy: Policy | null = null;
  #stats: UplinkStats | null = null;
  #running: Promise<void> | null = null;
  #attempts = 0;
  #retryAt = 0;
  #boundedAt = 0;
  /** Tiers still to take off the outbox because the last try failed (a full disk). */
  #toClear: readonly Tier[] | "all" | null = null;
  /** Whether the policy is an instruction that may delete what waits. */
  readonly #gate = new DeletionGate();
  /** Set by a stop: whatever waits goes now. */
  #flushing = false;
  readonly #shutdown = new AbortController();
  /** Aborts the request under way when the policy stops letting its records leave. */
  #withdrawal = new AbortController();
  readonly #delayMs: number;
  /** Events per batch: lowered when batches come out larger than BATCH_BYTES. */
  #batchEvents = BATCH_EVENTS;
  #savedAt = 0;

  /** `delayMs`: how long events may wait to fill a batch (tests send at once). */
  constructor(db: Kysely<Database>, options: { delayMs?: number } = {}) {
    this.#db = db;
    this.#delayMs = options.delayMs ?? SEND_DELAY_MS;
  }

  /**
   * Follows `policy`: with sending off the outbox is emptied, and parts of
   * a tier the level no longer lets leave are taken off it (and counted as
   * withdrawn), at once, when the policy says so unambiguously. A managed
   * file that cannot be read or is invalid stops sending but keeps what
   * waits: it leaves once the file is fixed, if the policy then lets it.
   * Until a clearing succeeds (a full disk), nothing it covers is sent:
   * each batch is read for the tiers the policy allows when it is sent.
   */
  async apply(policy: Policy): Promise<void> {
    const previous = this.#policy;
    this.#policy = policy;
    // A request under way carrying what may no longer leave is abandoned
    // (its records are read again, for what may leave, in the next round).
    const before = previous ? queueTiers(previous) : [];
    const now = queueTiers(policy);
    if (before.some((tier) => !now.includes(tier))) {
      this.#withdrawal.abort();
      this.#withdrawal = new AbortController();
    }
    if (previous && sendingTo(previous)?.href !== sendingTo(policy)?.href) {
      // A new endpoint gets a fresh start.
      this.#attempts = 0;
      this.#retryAt = 0;
    }
    const tiers = queueTiers(policy);
    this.#toClear = tiers.includes("optional") || !this.#gate.mayDelete(policy)
      ? null
      : tiers.length === 0
      ? "all"
      : ["optional"];
    await this.#clear();
  }

  /** Takes off the outbox what the policy no longer lets leave; on failure, tries again next round. */
  async #clear(): Promise<void> {
    const clear = this.#toClear;
    if (clear === null) return;
    try {
      const depth = await outboxDepth(this.#db);
      if (depth.optional + (clear === "all" ? depth.required : 0) > 0) {
        await clearOutbox(this.#db, clear === "all" ? undefined : clear);
      }
      if (this.#toClear === clear) this.#toClear = null;
    } catch (error) {
      await this.#saveStats((stats) => {
        stats.lastError = {
          at: Date.now(),
          message: `Taking unsendable records off the outbox failed (${
            (error as Error).message
          }); they are not sent meanwhile`,
        };
      }).catch(() => {});
    }
  }

  /** Starts a round of sending unless one runs or retries are waiting; never waits for it. */
  pump(): void {
    if (this.#running || this.#shutdown.signal.aborted) return;
    if (Date.now() < this.#retryAt) return;
    this.#running = this.#round().finally(() => this.#running = null);
  }

  /**
   * Sends what it can for at most `ms`, then abandons the request under
   * way (its parts stay queued for the next start).
   */
  async flush(ms: number): Promise<void> {
    const timer = setTimeout(() => this.#shutdown.abort(), ms);
    try {
      // Finish the round under way, then one more try now, retries or not.
      await this.#running;
      this.#retryAt = 0;
      this.#flushing = true;
      this.pump();
      await this.#running;
    } finally {
      clearTimeout(timer);
      this.#shutdown.abort();
      await this.#running;
      if (this.#stats) await this.#saveStats(() => {}).catch(() => {});
    }
  }

  /** When the next attempt may be made, while retries back off (null when not waiting). */
  retryAt(): number | null {
    return this.#retryAt > Date.now() ? this.#retryAt : null;
  }

  async #saveStats(change: (stats: UplinkStats) => void): Promise<void> {
    this.#stats ??= await loadStats(this.#db);
    change(this.#stats);
    await setMeta(this.#db, STATS, JSON.stringify(this.#stats));
    this.#savedAt = Date.now();
  }

  async #round(): Promise<void> {
    const policy = this.#policy;
    if (!policy) return;
    const url = sendingTo(policy);
    const tiers = queueTiers(policy);
    // A clearing held back (a managed file that vanished) goes once it may.
    if (this.#toClear === null && !tiers.includes("optional") && this.#gate.mayDelete(policy)) {
      this.#toClear = tiers.length === 0 ? "all" : ["optional"];
    }
    await this.#clear();
    if (!url || tiers.length === 0) return;
    // The size bound holds at every insert; age is looked at once a minute.
    if (Date.now() - this.#boundedAt > BOUND_EVERY_MS) {
      this.#boundedAt = Date.now();
      await boundOutbox(
        this.#db,
        policy.get("outbox.maxRecords"),
        policy.get("outbox.maxAgeHours") * 3_600_000,
        Date.now(),
      );
    }
    // Wait for a full batch, or for the oldest to have waited long enough
    // (a stop flushes whatever there is).
    const waiting = await queuedSince(this.#db, tiers, this.#batchEvents);
    if (waiting.count === 0) return;
    const due = this.#shutdown.signal.aborted || this.#flushing ||
      waiting.count >= this.#batchEvents || Date.now() - waiting.oldest >= this.#delayMs;
    if (!due) return;
    // One batch after another while they go through; a failure ends the round.
    while (!this.#shutdown.signal.aborted) {
      const events = await nextQueued(this.#db, tiers, this.#batchEvents);
      if (events.length === 0) return;
      if (!await this.#send(policy, url, tiers, events)) return;
    }
  }

  /** Sends one batch; true when it left the outbox (delivered or refused for good). */
  async #send(
    policy: Policy,
    url: URL,
    tiers: Tier[],
    events: Awaited<ReturnType<typeof nextQueued>>,
  ): Promise<boolean> {
    const json = policy.get("cloudService.encoding") === "json";
    // OpenTelemetry's packages cost 15 MB: loaded only once something is sent.
    const [{ JsonLogsSerializer, ProtobufLogsSerializer }, { logRecordsOf }] = await Promise.all([
      import("@opentelemetry/otlp-transformer"),
      import("./otlp_records.ts"),
    ]);
    const serializer = json ? JsonLogsSerializer : ProtobufLogsSerializer;
    let batch = events;
    let built = logRecordsOf(batch, tiers);
    let body = serializer.serializeRequest(built.records) ?? new Uint8Array();
    while (body.length > BATCH_BYTES && batch.length > 1) {
      // Later batches start at a size that fits, so that this happens once.
      const fits = Math.floor(batch.length * BATCH_BYTES / body.length * 0.9);
      this.#batchEvents = Math.max(1, Math.min(fits, batch.length - 1));
      batch = batch.slice(0, this.#batchEvents);
      built = logRecordsOf(batch, tiers);
      body = serializer.serializeRequest(built.records) ?? new Uint8Array();
    }
    const headers: Record<string, string> = {
      "content-type": json ? "application/json" : "application/x-protobuf",
      "user-agent": `vitrine/${APP_VERSION}`,
    };
    const attempt = this.#attempts + 1;
    const base = {
      at: Date.now(),
      endpoint: url.host,
      records: batch.length,
      bytes: body.length,
      attempts: attempt,
      rejected: 0,
    };
    let response;
    let token: string | null = null;
    const withdrawal = this.#withdrawal.signal;
    try {
      token = await this.#token(policy);
      if (token) headers.authorization = `Bearer ${token}`;
      response = await egress(url, {
        method: "POST",
        headers,
        body: new Uint8Array(body),
        allowed: [url],
        timeoutMs: policy.get("cloudService.timeout") * 1000,
        proxy: policy.get("cloudService.proxy"),
        signal: AbortSignal.any([this.#shutdown.signal, withdrawal]),
      });
    } catch (error) {
      if (withdrawal.aborted) {
        // Not the receiver's failure: no back-off.
        await logDelivery(this.#db, {
          ...base,
          status: "withdrawn",
          error: "abandoned: the policy stopped letting these records leave while they were sent",
        });
        return false;
      }
      const message = new Redactor(url, [token]).redact(
        `Sending to ${url.host} failed: ${failureOf(error)}`,
      );
      await logDelivery(this.#db, { ...base, status: "no answer", error: message });
      await this.#retryLater(policy, null, message);
      return false;
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      const rejected = this.#rejected(serializer, response.body, response.truncated);
      await logDelivery(
        this.#db,
        { ...base, status: String(status), rejected, error: null },
        built.carried,
      );
      this.#attempts = 0;
      this.#stats ??= await loadStats(this.#db);
      const stats = this.#stats;
      const recovered = stats.lastError !== null && (stats.lastSuccessAt ?? 0) < stats.lastError.at;
      stats.lastSuccessAt = Date.now();
      stats.rejected += rejected;
      // Written at once when it changes what health says, else at most every few seconds.
      if (recovered || rejected > 0 || Date.now() - this.#savedAt > STATS_EVERY_MS) {
        await this.#saveStats(() => {});
      }
      return true;
    }
    // A server may echo what it was sent, the token included.
    const said = new Redactor(url, [token]).redact(new TextDecoder().decode(response.body))
      .slice(0, 200).replace(/\s+/g, " ");
    const message = `The endpoint ${url.host} answered ${status}${said ? `: ${said}` : ""}`;
    // A redirect is not followed (egress stays on the origin the policy
    // names) and would be answered the same way again: refused for good.
    if (status === 408 || status === 429 || status >= 500) {
      await logDelivery(this.#db, { ...base, status: String(status), error: message });
      await this.#retryLater(policy, retryAfter(response.headers, Date.now()), message);
      return false;
    }
    // Refused for good: retrying would be refused again.
    const dropped = await dropQueued(this.#db, built.carried);
    await logDelivery(this.#db, {
      ...base,
      status: String(status),
      error: `${message}; ${dropped} parts dead-lettered`,
    });
    this.#attempts = 0;
    await this.#saveStats((stats) => {
      stats.lastError = { at: Date.now(), message: `${message} (dead-lettered)` };
    });
    return true;
  }

  #rejected(
    serializer: { deserializeResponse(data: Uint8Array): unknown },
    body: Uint8Array,
    truncated: boolean,
  ): number {
    if (body.length === 0 || truncated) return 0;
    try {
      const answer = serializer.deserializeResponse(body) as {
        partialSuccess?: { rejectedLogRecords?: number | string };
      };
      return Number(answer?.partialSuccess?.rejectedLogRecords ?? 0) || 0;
    } catch {
      return 0;
    }
  }

  async #retryLater(policy: Policy, asked: number | null, message: string): Promise<void> {
    this.#attempts++;
    const cap = policy.get("connectionRetryTimeout") * 1000;
    const backoff = FIRST_RETRY_MS * 2 ** Math.min(this.#attempts - 1, 20);
    // Jitter spreads a fleet that failed together.
    const jittered = backoff * (0.5 + Math.random() / 2);
    this.#retryAt = Date.now() + Math.min(cap, Math.max(jittered, asked ?? 0));
    await this.#saveStats((stats) => {
      stats.lastError = { at: Date.now(), message };
    });
  }

  async #token(policy: Policy): Promise<string | null> {
    const path = policy.get("cloudService.tokenFile");
    if (path === null) return null;
    const read = await readRegularFile(path, 16 * 1024);
    if (read.kind !== "ok") {
      throw new Error(`the token file "${path}" cannot be used (${read.kind.replace("_", " ")})`);
    }
    const token = new TextDecoder().decode(read.bytes).trim();
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new Error(`the token file "${path}" does not hold one printable token`);
    }
    return token;
  }
}
