/**
 * The one read loop: drains a kernel source, filters, counts and sends
 * batches over the channel.
 *
 * @module
 */
import type { CounterTotals } from "./counter_totals.ts";
import type { KernelSource } from "./kernel_source.ts";
import type { ReaderChannel } from "./reader_channel.ts";
import type { BatchMessage } from "./reader_protocol.ts";

/** How often the source is polled. */
const POLL_MS = 20;
/** How often a batch of totals is offered to the core. */
const FLUSH_MS = 250;
/** Reads per poll at most, so that a flood cannot starve the worker's messages. */
const ROUNDS = 64;

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

/** Polls `source` and sends batches with `send` until the returned function is called. */
export function startReadLoop(
  source: KernelSource,
  accept: (path: string | null, name: string) => boolean,
  totals: CounterTotals,
  channel: ReaderChannel,
  send: (batch: BatchMessage) => void,
): () => void {
  const poll = setInterval(() => drain(source, accept, totals, channel), POLL_MS);
  const flush = setInterval(() => {
    const batch = channel.nextBatch(totals.take());
    if (batch) send(batch);
  }, FLUSH_MS);
  return () => {
    clearInterval(poll);
    clearInterval(flush);
    source.close();
  };
}
