/**
 * The agent's collectors, run by its scheduler at the intervals the policy
 * sets (or the command line overrides), every one the same way.
 *
 * @module
 */
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Collector } from "../collectors/collector.ts";
import type { Policy } from "../policy/policy.ts";
import { isDiskFull } from "../store/store_error.ts";
import type { Scheduler } from "./scheduler.ts";

/** A list of collectors and the scheduler that runs them. */
export class CollectorSet {
  readonly #collectors: readonly Collector[];
  readonly #scheduler: Scheduler;
  readonly #intervals: Readonly<Partial<Record<string, number>>>;
  #scheduled = false;

  /** `intervals` gives seconds per collector name, overriding the policy. */
  constructor(
    collectors: readonly Collector[],
    scheduler: Scheduler,
    intervals: Readonly<Partial<Record<string, number>>> = {},
  ) {
    this.#collectors = collectors;
    this.#scheduler = scheduler;
    this.#intervals = intervals;
  }

  #intervalMs(collector: Collector, policy: Policy): number {
    return (this.#intervals[collector.name] ?? policy.get(collector.interval)) * 1000;
  }

  /** Brings every collector in line with `policy`, and its interval once it is scheduled. */
  async apply(policy: Policy): Promise<void> {
    for (const collector of this.#collectors) {
      await collector.apply(policy);
      if (this.#scheduled && this.#intervals[collector.name] === undefined) {
        this.#scheduler.setInterval(collector.name, this.#intervalMs(collector, policy));
      }
    }
  }

  /** Adds one task per collector; each run reads under the policy in effect then. */
  schedule(policy: () => Policy, record: (events: RawEvent[]) => Promise<number>): void {
    for (const collector of this.#collectors) {
      this.#scheduler.add({
        name: collector.name,
        intervalMs: this.#intervalMs(collector, policy()),
        immediate: collector.immediate,
        run: async () => void await record(await collector.collect(policy())),
        // A full disk is retried every interval, not after ever longer waits.
        backoff: (error) => !isDiskFull(error),
      });
    }
    this.#scheduled = true;
  }

  /** Trouble every collector reports. */
  problems(): string[] {
    return this.#collectors.flatMap((collector) => collector.problems());
  }

  /** Stops every collector. */
  async stop(): Promise<void> {
    for (const collector of this.#collectors) await collector.stop();
  }
}
