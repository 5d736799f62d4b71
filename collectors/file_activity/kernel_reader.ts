/**
 * The kernel reader: the subsystem's side that reads fanotify or inotify,
 * counts, and hands batches of totals to the core, which acknowledges
 * each. Its reads are non-blocking and bounded, so it shares the agent's
 * isolate and thread without holding up its event loop (a Worker isolate
 * of its own cost 18 MB, and every message between the two a wake-up).
 * It exists only while kernel events are read.
 *
 * @module
 */
import { countersFor, CounterTotals, familyMasks } from "./counter_totals.ts";
import { openFanotifySource } from "./fanotify_source.ts";
import { openInotifySource } from "./inotify_source.ts";
import type { KernelSource } from "./kernel_source.ts";
import { isExcluded, needsPaths, pathFilter } from "./path_filter.ts";
import { ReaderChannel } from "./reader_channel.ts";
import { startReadLoop } from "./read_loop.ts";
import type {
  BatchMessage,
  ConnectMessage,
  HelloMessage,
  KernelInterface,
  ReplyMessage,
} from "./reader_protocol.ts";

function open(
  kind: KernelInterface,
  connect: ConnectMessage,
  totals: CounterTotals,
  problems: string[],
): KernelSource {
  if (kind === "fanotify") {
    const resolvePaths = needsPaths(connect.paths, connect.exclusions);
    return openFanotifySource(connect.paths, totals.mask, resolvePaths);
  }
  const skip = (dir: string) => isExcluded(dir, dir.split("/").pop() ?? "", connect.exclusions);
  return openInotifySource(connect.paths, totals.mask, skip, problems);
}

/** A running reader. */
export interface KernelReader {
  /** The interface it opened (or why none), and the masks it subscribed. */
  hello: HelloMessage;
  /** Stops reading and closes the kernel descriptor. */
  stop(): void;
}

/**
 * Opens the first usable interface of `connect.prefer` and reads it,
 * handing each batch to `deliver` and taking its reply.
 */
export function startKernelReader(
  connect: ConnectMessage,
  deliver: (batch: BatchMessage) => ReplyMessage,
): KernelReader {
  const channel = new ReaderChannel();
  // Why a preferred interface was passed over: a note while another one
  // works, a problem when none does.
  const problems: string[] = [];
  const notes: string[] = [];
  for (const kind of connect.prefer) {
    const totals = new CounterTotals(countersFor(kind));
    try {
      const source = open(kind, connect, totals, problems);
      const accept = pathFilter(connect.paths, connect.exclusions);
      const send = (batch: BatchMessage) => channel.reply(deliver(batch));
      const stop = startReadLoop(source, accept, totals, channel, send, connect.drainMs);
      const masks = familyMasks(totals.counters);
      return { hello: { type: "hello", subsystem: kind, masks, problems, notes }, stop };
    } catch (error) {
      notes.push(`${kind} is not usable: ${(error as Error).message}`);
    }
  }
  return {
    hello: {
      type: "hello",
      subsystem: "unavailable",
      masks: { vnode: 0, file_op: 0 },
      problems: [...problems, ...notes],
      notes: [],
    },
    stop: () => {},
  };
}
