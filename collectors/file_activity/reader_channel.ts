/**
 * The reader's side of the channel to the core: batches of totals sent on
 * a timer, acknowledgements awaited, and the channel's own counters.
 *
 * @module
 */
import type { BatchMessage, ReplyMessage } from "./reader_protocol.ts";

/** An unacknowledged batch older than this counts as timed out. */
export const ACK_DEADLINE_MS = 1000;
/** An acknowledgement within this counts as fast. */
export const FAST_ACK_MS = 10;
/** Batches awaiting acknowledgement at most; more are dropped. */
export const MAX_OUTSTANDING = 64;

/** The channel counters the reader keeps (catalogue `source.channel` names). */
export type ChannelCounter =
  | "acks_received"
  | "acked_fast"
  | "late_acks"
  | "unexpected_acks"
  | "dropped_no_space"
  | "ack_timeouts"
  | "bad_records"
  | "bad_replies"
  | "read_failures";

/** Builds batches and checks replies; `now` is injectable for tests. */
export class ReaderChannel {
  readonly #counters: Record<ChannelCounter, number> = {
    acks_received: 0,
    acked_fast: 0,
    late_acks: 0,
    unexpected_acks: 0,
    dropped_no_space: 0,
    ack_timeouts: 0,
    bad_records: 0,
    bad_replies: 0,
    read_failures: 0,
  };
  readonly #outstanding = new Map<number, { sentAt: number; timedOut: boolean }>();
  readonly #now: () => number;
  #seq = 0;
  #overflows = 0;
  #dirty = true;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Adds `by` to a channel counter. */
  add(counter: ChannelCounter, by = 1): void {
    if (by === 0) return;
    this.#counters[counter] += by;
    this.#dirty = true;
  }

  /** Counts a kernel queue overflow (events were lost). */
  overflow(): void {
    this.#overflows++;
    this.#dirty = true;
  }

  /**
   * The next batch to send, or null when nothing changed or too many
   * batches await acknowledgement. `totals` are the counter totals now.
   */
  nextBatch(totals: { totals: Record<string, number>; changed: boolean }): BatchMessage | null {
    const now = this.#now();
    for (const [id, entry] of this.#outstanding) {
      if (!entry.timedOut && now - entry.sentAt > ACK_DEADLINE_MS) {
        entry.timedOut = true;
        this.add("ack_timeouts");
      }
      // Forget batches that will never be acknowledged.
      if (now - entry.sentAt > 60 * ACK_DEADLINE_MS) this.#outstanding.delete(id);
    }
    if (!this.#dirty && !totals.changed) return null;
    const waiting = [...this.#outstanding.values()].filter((e) => !e.timedOut).length;
    if (waiting >= MAX_OUTSTANDING) {
      this.#counters.dropped_no_space++;
      // The totals were taken: send them with the next batch that fits.
      this.#dirty = true;
      return null;
    }
    this.#dirty = false;
    this.#seq++;
    this.#outstanding.set(this.#seq, { sentAt: now, timedOut: false });
    return {
      type: "batch",
      seq: this.#seq,
      counters: totals.totals,
      channel: { ...this.#counters },
      overflows: this.#overflows,
    };
  }

  /** Takes a reply from the core; malformed or unexpected ones are counted. */
  reply(data: unknown): void {
    const message = data as Partial<ReplyMessage> | null;
    if (
      typeof message !== "object" || message === null ||
      (message.type !== "ack" && message.type !== "nack") || !Number.isInteger(message.seq)
    ) {
      this.add("bad_replies");
      return;
    }
    const entry = this.#outstanding.get(message.seq!);
    if (!entry) {
      this.add("unexpected_acks");
      return;
    }
    this.#outstanding.delete(message.seq!);
    this.#counters.acks_received++;
    if (this.#now() - entry.sentAt <= FAST_ACK_MS) this.#counters.acked_fast++;
    if (entry.timedOut) this.#counters.late_acks++;
  }
}
