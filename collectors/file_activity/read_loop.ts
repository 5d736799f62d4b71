/**
 * The one read loop: waits until the kernel has events (on another thread,
 * so the agent's own thread is free meanwhile), then drains them, filters
 * them per directory and counts them. After a drain that emptied the queue
 * it lets events gather for the source's `gatherMs` before waiting again,
 * so that light activity wakes the agent a few times a second rather than
 * once per event; a drain that did not empty it is followed at once, so a
 * flood is read as fast as it comes.
 *
 * @module
 */
import type { CounterTotals } from "./counter_totals.ts";
import type { DirectoryRef, KernelSink, KernelSource } from "./kernel_source.ts";
import { type Entries, entriesOf, type Exclusion, pathFilter } from "./path_filter.ts";

/** Reads per drain at most (256 KiB each): a flood cannot hold the event loop for long. */
const ROUNDS = 8;
/** How long one wait for readiness lasts before it is simply made again. */
const WAIT_MS = 60_000;
/** Directories whose decision is remembered at most. */
const MAX_DIRECTORIES = 65_536;

/** What the loop counts about its own reading. */
export interface ReaderCounters {
  /** Kernel queue overflows (events lost). */
  overflows: number;
  /** Records that could not be parsed. */
  bad_records: number;
  /** Reads or waits that failed. */
  read_failures: number;
  /** Times the kernel woke the loop. */
  wakeups: number;
}

interface DirectoryDecision {
  path: string;
  entries: Entries;
}

const GONE: DirectoryDecision = { path: "", entries: "none" };

function child(dir: string, name: string): string {
  return `${dir === "/" ? "" : dir}/${name}`;
}

/** Reads `source` into `totals` until stopped. */
export class ReadLoop implements KernelSink {
  readonly #source: KernelSource;
  readonly #roots: readonly string[];
  readonly #exclusions: readonly Exclusion[];
  readonly #accept: (path: string | null, name: string) => boolean;
  readonly #totals: CounterTotals;
  readonly #directories = new Map<DirectoryRef, DirectoryDecision>();
  /**
   * Events per distinct mask in the drain under way, added to the totals at
   * its end: a few masks, searched in order (cheaper than a map without a JIT).
   */
  readonly #masks: number[] = [];
  readonly #times: number[] = [];
  /** The last directory decided: a flood comes from few directories. */
  #lastDirectory: DirectoryRef | null = null;
  #lastDecision: DirectoryDecision = GONE;
  readonly counters: ReaderCounters = {
    overflows: 0,
    bad_records: 0,
    read_failures: 0,
    wakeups: 0,
  };
  #stopped = false;
  /** Ends a gathering pause at once (on stop). */
  #wake: () => void = () => {};
  readonly #running: Promise<void>;

  /** Starts reading at once. */
  constructor(
    source: KernelSource,
    roots: readonly string[],
    exclusions: readonly Exclusion[],
    totals: CounterTotals,
  ) {
    this.#source = source;
    this.#roots = roots;
    this.#exclusions = exclusions;
    this.#accept = pathFilter(roots, exclusions);
    this.#totals = totals;
    this.#running = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const started = performance.now();
      let ready = false;
      try {
        ready = await this.#source.waitReadable(WAIT_MS);
      } catch {
        this.counters.read_failures++;
      }
      if (this.#stopped) return;
      if (ready) {
        this.counters.wakeups++;
        if (this.drain() && !this.#stopped) await this.#gather();
      } else if (performance.now() - started < 10) {
        // A wait that fails at once must not spin.
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Waits `gatherMs`, or less if stopped meanwhile. */
  #gather(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.#source.gatherMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Reads and counts what the kernel has queued now (the loop does this on
   * every wake); true when the queue was emptied.
   */
  drain(): boolean {
    let emptied = false;
    try {
      for (let round = 0; round < ROUNDS && !emptied; round++) {
        emptied = this.#source.read(this) === 0;
      }
    } catch {
      this.counters.read_failures++;
      emptied = true;
    }
    for (let i = 0; i < this.#masks.length; i++) {
      this.#totals.count(this.#masks[i]!, this.#times[i]);
    }
    this.#masks.length = 0;
    this.#times.length = 0;
    return emptied;
  }

  event(mask: number, directory: DirectoryRef | null): void {
    // An event the kernel did not place cannot be filtered: not counted.
    if (directory === null) return;
    let decision = this.#lastDecision;
    if (directory !== this.#lastDirectory) {
      decision = this.#directories.get(directory) ?? this.#decide(directory);
      this.#lastDirectory = directory;
      this.#lastDecision = decision;
    }
    if (decision.entries === "none") return;
    if (decision.entries === "by_name") {
      const name = this.#source.entryName();
      const path = name === "" ? decision.path : child(decision.path, name);
      if (!this.#accept(path, name === "" ? path.slice(path.lastIndexOf("/") + 1) : name)) return;
    }
    const masks = this.#masks;
    for (let i = 0; i < masks.length; i++) {
      if (masks[i] === mask) {
        this.#times[i]!++;
        return;
      }
    }
    masks.push(mask);
    this.#times.push(1);
  }

  #decide(directory: DirectoryRef): DirectoryDecision {
    const path = this.#source.directoryPath(directory);
    const decision = path === null
      ? GONE
      : { path, entries: entriesOf(path, this.#roots, this.#exclusions) };
    if (this.#directories.size >= MAX_DIRECTORIES) this.#directories.clear();
    // A handle names one directory for good: one that is gone stays gone.
    this.#directories.set(directory, decision);
    return decision;
  }

  overflow(): void {
    this.counters.overflows++;
  }

  malformed(): void {
    this.counters.bad_records++;
  }

  /** Stops reading and closes the source. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#wake();
    await this.#source.close();
    await this.#running;
  }
}
