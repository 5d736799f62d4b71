/**
 * The one read loop: drains a kernel source, filters, counts and sends
 * batches over the channel.
 *
 * @module
 */
import { setAlignedInterval } from "../aligned_timer.ts";
import type { CounterTotals } from "./counter_totals.ts";
import type { KernelSource } from "./kernel_source.ts";
import type { ReaderChannel } from "./reader_channel.ts";
import type { BatchMessage } from "./reader_protocol.ts";

/** Reads per drain at most (256 KiB each), so that a flood cannot hold the event loop. */
const ROUNDS = 16;

/** Drains what `source` has queued now into `totals`. */
export function drain(
  source: KernelSource,
  accept: (path: string | null, name: string) => boolean,
  totals: CounterTotals,
  channel: ReaderChannel,
): void {
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { records, malformed } = source.read();
      channel.add("bad_records", malformed);
      if (records.length === 0) return;
      for (const record of records) {
        if (record.overflow) channel.overflow();
        else if (accept(record.path, record.name)) totals.count(record.mask, record.isDirectory);
      }
    }
  } catch {
    channel.add("read_failures");
  }
}

/**
 * Drains `source` every `drainMs` (on the agent's timer grid) and sends a
 * batch with `send` until the returned function is called (which closes
 * the source). The descriptor is non-blocking: a drain never waits. The
 * kernel queue holds what arrives between two drains (16,384 events for
 * fanotify; more is counted as an overflow).
 */
export function startReadLoop(
  source: KernelSource,
  accept: (path: string | null, name: string) => boolean,
  totals: CounterTotals,
  channel: ReaderChannel,
  send: (batch: BatchMessage) => void,
  drainMs: number,
): () => void {
  const cancel = setAlignedInterval(() => {
    drain(source, accept, totals, channel);
    const batch = channel.nextBatch(totals.take());
    if (batch) send(batch);
  }, drainMs);
  return () => {
    cancel();
    source.close();
  };
}
