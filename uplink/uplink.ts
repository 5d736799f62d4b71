/**
 * Sends queued events to the organisation's OTLP/HTTP endpoint: in bounded
 * batches, at least once (a part leaves the outbox only after a 2xx), with
 * retries that back off, and a log of every delivery. The network is never
 * waited on by collection or the dashboard.
 *
 * @module
 */
import { requeueDeletionNotices } from "../store/delete_all_data.ts";
import type { Kysely } from "kysely";
import { type Tier, TIERS } from "../catalog/types.ts";
import { DeletionGate } from "../policy/deletion_gate.ts";
import { pathStamp } from "../ffi/read_regular_file.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers, sendingTo } from "../policy/tiers.ts";
import {
  boundOutbox,
  clearOutbox,
  nextQueued,
  outboxDepth,
  type QueuedEvent,
  queuedSince,
} from "../store/outbox_queries.ts";
import type { Database } from "../store/schema.ts";
import { deliverBatch } from "./deliver_batch.ts";
import { encodeBatch } from "./otlp_batch.ts";
import { backoffDelay } from "./backoff.ts";
import { loadStats, saveStats, uplinkFailing, type UplinkStats } from "./uplink_status.ts";

/** Events per request at most. */
const BATCH_EVENTS = 256;
/** Bytes per request at most (a larger batch carries fewer events; receivers must accept this). */
export const BATCH_BYTES = 1024 * 1024;
/** How often the time of the last success is written down while all goes well. */
const STATS_EVERY_MS = 10_000;
/** How often the outbox is held to its age bound. */
const BOUND_EVERY_MS = 60_000;
/**
 * How long events may wait to fill a batch: one request per few seconds,
 * not one per event, keeps an idle agent's cost of sending small.
 */
const SEND_DELAY_MS = 5000;

/** The wait after the first failed delivery; it doubles after each (see backoff.ts). */
const FIRST_RETRY_MS = 1000;

/** Whether the managed file still holds what `policy` was read from. */
function policyCurrent(policy: Policy): boolean {
  return policy.managedStamp === null || pathStamp(policy.managedFile) === policy.managedStamp;
}

/** The tiers `policy` does not let leave: what the outbox may no longer hold (null: none). */
function unsendable(policy: Policy): Tier[] | null {
  const sendable = allowedTiers(policy, "send");
  const not = TIERS.filter((tier) => !sendable.includes(tier));
  return not.length > 0 ? not : null;
}

/** The sending half of the agent. */
export class Uplink {
  readonly #db: Kysely<Database>;
  /** The policy in effect, as its one owner (the agent's policy follower) holds it. */
  readonly #policy: () => Policy;
  #stats: UplinkStats | null = null;
  #running: Promise<void> | null = null;
  #roundError: string | null = null;
  #attempts = 0;
  #retryAt = 0;
  #boundedAt = 0;
  /** Tiers to take off the outbox (kept when a try fails, a full disk say), or null. */
  #toClear: readonly Tier[] | null = null;
  /** Whether the policy is an instruction that may delete what waits. */
  readonly #gate = new DeletionGate();
  /** Set by a stop: whatever waits goes now. */
  #flushing = false;
  /** Sending held off (see {@linkcode Uplink.exclusive}). */
  #holds = 0;
  /** Whether records of deletions may wait for the backend (looked at until none do). */
  #noticesWaiting = true;
  readonly #shutdown = new AbortController();
  /** Aborts the request under way when the policy stops letting its records leave. */
  #withdrawal = new AbortController();
  readonly #delayMs: number;
  /** Events per batch: lowered when batches come out larger than BATCH_BYTES. */
  #batchEvents = BATCH_EVENTS;
  #savedAt = 0;

  /**
   * Sends from `db` under the policy `policy` gives at each moment (never a
   * copy of its own); `delayMs`: how long events may wait to fill a batch
   * (tests send at once).
   */
  constructor(db: Kysely<Database>, policy: () => Policy, options: { delayMs?: number } = {}) {
    this.#db = db;
    this.#policy = policy;
    this.#delayMs = options.delayMs ?? SEND_DELAY_MS;
  }

  /**
   * Follows the policy now in effect, which replaced `previous` (null at
   * start): with sending off the outbox is emptied, and parts of
   * a tier the level no longer lets leave are taken off it (and counted as
   * withdrawn), at once, when the policy says so unambiguously. A managed
   * file that cannot be read or is invalid stops sending but keeps what
   * waits: it leaves once the file is fixed, if the policy then lets it.
   * Until a clearing succeeds (a full disk), nothing it covers is sent:
   * each batch is read for the tiers the policy allows when it is sent.
   */
  async apply(previous: Policy | null): Promise<void> {
    const policy = this.#policy();
    // A request under way carrying what may no longer leave is abandoned
    // (its records are read again, for what may leave, in the next round).
    const before = previous ? allowedTiers(previous, "send") : [];
    const now = allowedTiers(policy, "send");
    if (before.some((tier) => !now.includes(tier))) {
      this.#withdrawal.abort();
      this.#withdrawal = new AbortController();
    }
    if (previous && sendingTo(previous)?.href !== sendingTo(policy)?.href) {
      // A new endpoint gets a fresh start.
      this.#attempts = 0;
      this.#retryAt = 0;
    }
    this.#toClear = this.#gate.mayDelete(policy) ? unsendable(policy) : null;
    await this.#clear();
  }

  /** Takes off the outbox what the policy no longer lets leave; on failure, tries again next round. */
  async #clear(): Promise<void> {
    const clear = this.#toClear;
    if (clear === null) return;
    try {
      const depth = await outboxDepth(this.#db);
      if (clear.some((tier) => depth[tier] > 0)) await clearOutbox(this.#db, clear);
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

  /**
   * Runs `work` with no sending: the request under way is abandoned (what
   * it carried is read again afterwards, for what still exists and may
   * leave) and no round starts until `work` is done.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#holds++;
    try {
      this.#withdrawal.abort();
      this.#withdrawal = new AbortController();
      await this.#running;
      return await work();
    } finally {
      this.#holds--;
      this.#noticesWaiting = true;
    }
  }

  /** Starts a round of sending unless one runs or retries are waiting; never waits for it. */
  pump(): void {
    if (this.#running || this.#holds > 0 || this.#shutdown.signal.aborted) return;
    if (Date.now() < this.#retryAt) return;
    // Nobody awaits a round: a failure of the database under it (locked
    // beyond the busy timeout, full) is kept for health and the next round
    // tries again, rather than escape as an unhandled rejection.
    this.#running = this.#round().then(
      () => void (this.#roundError = null),
      (error) => void (this.#roundError = (error as Error).message),
    ).finally(() => this.#running = null);
  }

  /** Why the last round of sending stopped short, for health; empty when it did not. */
  problems(): string[] {
    return this.#roundError === null
      ? []
      : [`Sending stopped short at its last round (it tries again): ${this.#roundError}`];
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
    await saveStats(this.#db, this.#stats);
    this.#savedAt = Date.now();
  }

  async #round(): Promise<void> {
    const policy = this.#policy();
    const url = sendingTo(policy);
    const tiers = allowedTiers(policy, "send");
    // A clearing held back (a managed file that vanished) goes once it may.
    if (this.#toClear === null && this.#gate.mayDelete(policy)) {
      this.#toClear = unsendable(policy);
    }
    await this.#clear();
    if (!url || tiers.length === 0) return;
    // Deletion records the backend has not received go out first, whenever sending is on.
    if (this.#noticesWaiting) this.#noticesWaiting = await requeueDeletionNotices(this.#db) > 0;
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
      // Never under a managed file that changed since it was read: the
      // policy poll applies the change first (a stop sends what it may).
      if (!this.#flushing && !policyCurrent(policy)) return;
      const events = await nextQueued(this.#db, tiers, this.#batchEvents);
      if (events.length === 0) return;
      if (!await this.#send(policy, url, events)) return;
    }
  }

  /** Sends one batch; true when it left the outbox (delivered or refused for good). */
  async #send(policy: Policy, url: URL, events: QueuedEvent[]): Promise<boolean> {
    const batch = encodeBatch(
      events,
      policy.get("cloudService.encoding") === "json" ? "json" : "protobuf",
      BATCH_BYTES,
    );
    // Later batches start at a size that fits, so that cutting happens once;
    // after a batch well under the byte limit, they grow back.
    if (batch.events < events.length) this.#batchEvents = batch.events;
    else if (batch.body.length < BATCH_BYTES / 2) {
      this.#batchEvents = Math.min(BATCH_EVENTS, this.#batchEvents * 2);
    }
    const outcome = await deliverBatch(this.#db, policy, batch, {
      url,
      attempt: this.#attempts + 1,
      shutdown: this.#shutdown.signal,
      withdrawal: this.#withdrawal.signal,
    });
    switch (outcome.kind) {
      case "delivered":
        await this.#succeeded(outcome.rejected);
        return true;
      case "refused":
        this.#attempts = 0;
        await this.#saveStats((stats) => {
          stats.lastError = { at: Date.now(), message: outcome.message };
        });
        return true;
      case "retry":
        await this.#retryLater(policy, outcome.asked, outcome.message);
        return false;
      case "withdrawn":
        return false;
    }
  }

  async #succeeded(rejected: number): Promise<void> {
    this.#attempts = 0;
    this.#stats ??= await loadStats(this.#db);
    const stats = this.#stats;
    const recovered = uplinkFailing(stats);
    stats.lastSuccessAt = Date.now();
    stats.rejected += rejected;
    // Written at once when it changes what health says, else at most every few seconds.
    if (recovered || rejected > 0 || Date.now() - this.#savedAt > STATS_EVERY_MS) {
      await this.#saveStats(() => {});
    }
  }

  async #retryLater(policy: Policy, asked: number | null, message: string): Promise<void> {
    this.#attempts++;
    // No sooner than the receiver asked, no later than connectionRetryTimeout.
    const capMs = policy.get("connectionRetryTimeout") * 1000;
    const backoff = backoffDelay(this.#attempts, { firstMs: FIRST_RETRY_MS, capMs, jitter: true });
    this.#retryAt = Date.now() + Math.min(capMs, Math.max(asked ?? 0, backoff));
    await this.#saveStats((stats) => {
      stats.lastError = { at: Date.now(), message };
    });
  }
}
