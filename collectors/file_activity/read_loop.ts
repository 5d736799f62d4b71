/**
 * The one read loop: drains a kernel source, filters, counts and sends
 * batches over the channel.
 *
 * @module
 */
import { alignedDelay } from "../aligned_timer.ts";
import type { CounterTotals } from "./counter_totals.ts";
import type { KernelSource } from "./kernel_source.ts";
import type { ReaderChannel } from "./reader_channel.ts";
import type { BatchMessage } from "./reader_protocol.ts";

/** Reads per drain at most (256 KiB each), so that a flood cannot hold the event loop. */
const ROUNDS = 16;

/** Records read in one drain above which the next drain comes at once, not on the grid. */
const BUSY = 1024;
/** The pause between drains while the kernel delivers a flood. */
const BUSY_PAUSE_MS = 20;

/** Drains what `source` has queued now into `totals`; returns how many records it read. */
export function drain(
  source: KernelSource,
  accept: (path: string | null, name: string) => boolean,
  totals: CounterTotals,
  channel: ReaderChannel,
): number {
  let read = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { records, malformed } = source.read();
      channel.add("bad_records", malformed);
      if (records.length === 0) break;
      read += records.length;
      for (const record of records) {
        if (record.overflow) channel.overflow();
        else if (accept(record.path, record.name)) totals.count(record.mask, record.isDirectory);
      }
    }
  } catch {
    channel.add("read_failures");
  }
  return read;
}

/**
 * Drains `source` every `drainMs` (on the agent's timer grid) and sends a
 * batch with `send` until the returned function is called (which closes
 * the source). The descriptor is non-blocking: a drain never waits. The
 * kernel queue holds what arrives between two drains (16,384 events for
 * fanotify; more is counted as an overflow), so while a drain finds a
 * flood the next one follows after a short pause instead.
 */
export function startReadLoop(
  source: KernelSource,
  accept: (path: string | null, name: string) => boolean,
  totals: CounterTotals,
  channel: ReaderChannel,
  send: (batch: BatchMessage) => void,
  drainMs: number,
): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const tick = () => {
    const read = drain(source, accept, totals, channel);
    const batch = channel.nextBatch(totals.take());
    if (batch) send(batch);
    timer = setTimeout(tick, read >= BUSY ? BUSY_PAUSE_MS : alignedDelay(drainMs));
  };
  timer = setTimeout(tick, alignedDelay(drainMs));
  return () => {
    clearTimeout(timer);
    source.close();
  };
}
