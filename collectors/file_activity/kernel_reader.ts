/**
 * The kernel reader: opens the first usable kernel interface and reads it
 * in the agent's own thread, woken by the kernel (see the read loop). It
 * exists only while kernel events are read.
 *
 * @module
 */
import { countersFor, CounterTotals, familyMasks } from "./counter_totals.ts";
import { openFanotifySource } from "./fanotify_source.ts";
import { openInotifySource } from "./inotify_source.ts";
import type { KernelInterface, KernelSource } from "./kernel_source.ts";
import { type Exclusion, isExcluded } from "./path_filter.ts";
import { type ReaderCounters, ReadLoop } from "./read_loop.ts";

/** What to read. */
export interface ReaderOptions {
  /** Which interfaces to try, in order. */
  prefer: readonly KernelInterface[];
  /** Where activity counts. */
  paths: readonly string[];
  exclusions: readonly Exclusion[];
}

/** A running reader, or why none runs. */
export interface KernelReader {
  subsystem: KernelInterface | "unavailable";
  /** The kernel bits subscribed, per counter family. */
  masks: { vnode: number; file_op: number };
  /** Trouble worth a health problem. */
  problems: string[];
  /** Why a preferred interface was passed over while another works. */
  notes: string[];
  /** Interfaces tried that refused to open (the seeds' "rejects"). */
  rejects: number;
  /** The running totals, by catalogue field. */
  totals(): { totals: Record<string, number>; changed: boolean };
  /** The reader's own counters. */
  counters(): ReaderCounters;
  /** Stops reading and closes the kernel descriptor. */
  stop(): Promise<void>;
}

function open(
  kind: KernelInterface,
  options: ReaderOptions,
  mask: number,
  problems: string[],
): KernelSource {
  if (kind === "fanotify") return openFanotifySource(options.paths, mask);
  const skip = (dir: string) => isExcluded(dir, dir.split("/").pop() ?? "", options.exclusions);
  return openInotifySource(options.paths, mask, skip, problems);
}

/** Opens the first usable interface of `options.prefer` and starts reading it. */
export function startKernelReader(options: ReaderOptions): KernelReader {
  // Why a preferred interface was passed over: a note while another one
  // works, a problem when none does.
  const problems: string[] = [];
  const notes: string[] = [];
  for (const kind of options.prefer) {
    const totals = new CounterTotals(countersFor(kind));
    try {
      const source = open(kind, options, totals.mask, problems);
      const loop = new ReadLoop(source, options.paths, options.exclusions, totals);
      return {
        subsystem: kind,
        masks: familyMasks(totals.counters),
        problems,
        notes,
        rejects: notes.length,
        totals: () => totals.take(),
        counters: () => ({ ...loop.counters }),
        stop: () => loop.stop(),
      };
    } catch (error) {
      notes.push(`${kind} is not usable: ${(error as Error).message}`);
    }
  }
  return {
    subsystem: "unavailable",
    masks: { vnode: 0, file_op: 0 },
    problems: [...problems, ...notes],
    notes: [],
    rejects: notes.length,
    totals: () => ({ totals: {}, changed: false }),
    counters: () => ({ overflows: 0, bad_records: 0, read_failures: 0, wakeups: 0 }),
    stop: () => Promise.resolve(),
  };
}
