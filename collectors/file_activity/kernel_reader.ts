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
import { EbpfSensor } from "./ebpf_sensor.ts";
import type { KernelInterface, KernelSource, SensorKind } from "./kernel_source.ts";
import { type Exclusion, isExcluded } from "./path_filter.ts";
import { type ReaderCounters, ReadLoop } from "./read_loop.ts";

/** What to read. */
export interface ReaderOptions {
  /** Which sensors to try, in order. */
  prefer: readonly SensorKind[];
  /** Where activity counts. */
  paths: readonly string[];
  exclusions: readonly Exclusion[];
  /**
   * Why counting the whole machine would not honour the policy's scope (a
   * narrower fileActivity.paths, an administrator's exclusions), or null.
   * The eBPF sensor counts system calls machine-wide and is passed over
   * while this is set.
   */
  narrowerScope: string | null;
}

/** A running reader, or why none runs. */
export interface KernelReader {
  subsystem: SensorKind | "unavailable";
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

/** Why a sensor was passed over, and how many refused to open (the seeds' "rejects"). */
interface Passed {
  problems: string[];
  notes: string[];
  rejects: number;
}

/** The eBPF sensor as a reader: no descriptor to read, no queue, no wake-ups. */
function startEbpfReader(passed: Passed): KernelReader {
  const sensor = EbpfSensor.open();
  return {
    subsystem: "ebpf",
    masks: { vnode: 0, file_op: 0 },
    ...passed,
    totals: () => ({ totals: sensor.totals(), changed: true }),
    counters: () => ({
      overflows: 0,
      bad_records: 0,
      read_failures: sensor.readFailures,
      wakeups: 0,
    }),
    stop: () => Promise.resolve(sensor.close()),
  };
}

/** A reader of fanotify or inotify, woken by the kernel (see the read loop). */
function startInterfaceReader(
  kind: KernelInterface,
  options: ReaderOptions,
  passed: Passed,
): KernelReader {
  const totals = new CounterTotals(countersFor(kind));
  const source = open(kind, options, totals.mask, passed.problems);
  const loop = new ReadLoop(source, options.paths, options.exclusions, totals);
  return {
    subsystem: kind,
    masks: familyMasks(totals.counters),
    ...passed,
    totals: () => totals.take(),
    counters: () => ({ ...loop.counters }),
    stop: () => loop.stop(),
  };
}

/** Opens the first usable sensor of `options.prefer` and starts counting with it. */
export function startKernelReader(options: ReaderOptions): KernelReader {
  // Why a preferred sensor was passed over: a note while another one
  // works, a problem when none does.
  const passed: Passed = { problems: [], notes: [], rejects: 0 };
  for (const kind of options.prefer) {
    if (kind === "ebpf" && options.narrowerScope !== null) {
      passed.notes.push(
        `ebpf is passed over: it counts the whole machine, and ${options.narrowerScope}`,
      );
      continue;
    }
    try {
      return kind === "ebpf"
        ? startEbpfReader(passed)
        : startInterfaceReader(kind, options, passed);
    } catch (error) {
      passed.notes.push(`${kind} is not usable: ${(error as Error).message}`);
      passed.rejects++;
    }
  }
  return {
    subsystem: "unavailable",
    masks: { vnode: 0, file_op: 0 },
    problems: [...passed.problems, ...passed.notes],
    notes: [],
    rejects: passed.rejects,
    totals: () => ({ totals: {}, changed: false }),
    counters: () => ({ overflows: 0, bad_records: 0, read_failures: 0, wakeups: 0 }),
    stop: () => Promise.resolve(),
  };
}
