/**
 * The agent's collectors, run by its scheduler at the intervals the policy
 * sets (or the command line overrides), every one the same way.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Collector } from "../collectors/collector.ts";
import { FileActivityCollector } from "../collectors/file_activity/file_activity_collector.ts";
import { IntelligenceCollector } from "../collectors/intelligence_collector.ts";
import { SystemCollector } from "../collectors/system_collector.ts";
import { SampleCollector } from "../samples/sample_collector.ts";
import type { Database } from "../store/schema.ts";
import type { AgentOptions } from "./agent_options.ts";
import type { Policy } from "../policy/policy.ts";
import { isDiskFull } from "../store/store_error.ts";
import { SHED_STAGES, type ShedStage } from "./resource_watchdog.ts";
import type { Scheduler } from "./scheduler.ts";

/** Collection intervals are this many times longer from the first stage of shedding on. */
const SHED_INTERVAL_FACTOR = 4;

/** The collector whose reading is shed last. */
const FILE_ACTIVITY = "file_activity";

/** A list of collectors and the scheduler that runs them. */
export class CollectorSet {
  readonly #collectors: readonly Collector[];
  readonly #scheduler: Scheduler;
  readonly #intervals: Readonly<Partial<Record<string, number>>>;
  #scheduled = false;
  #shed = 0;

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
    const seconds = this.#intervals[collector.name] ?? policy.get(collector.interval);
    return seconds * 1000 * (this.#shed >= 1 ? SHED_INTERVAL_FACTOR : 1);
  }

  /**
   * What `collector` collects under while work is shed: optional collection
   * pauses at the second stage (file activity's reading at the third);
   * required data is collected at every stage.
   */
  #collectingPolicy(collector: Collector, policy: Policy): Policy {
    const paused = collector.name === FILE_ACTIVITY ? this.#shed >= 3 : this.#shed >= 2;
    return paused ? policy.collectingRequiredOnly() : policy;
  }

  /** Brings every collector in line with `policy`, and its interval once it is scheduled. */
  async apply(policy: Policy): Promise<void> {
    for (const collector of this.#collectors) {
      await collector.apply(this.#collectingPolicy(collector, policy));
      if (this.#scheduled) {
        this.#scheduler.setInterval(collector.name, this.#intervalMs(collector, policy));
      }
    }
  }

  /** Sheds collection up to `stage` (or gives it back), then applies `policy` again. */
  async shed(stage: ShedStage, policy: Policy): Promise<void> {
    this.#shed = SHED_STAGES.indexOf(stage);
    await this.apply(policy);
  }

  /** Adds one task per collector; each run reads under the policy in effect then. */
  schedule(policy: () => Policy, record: (events: RawEvent[]) => Promise<number>): void {
    for (const collector of this.#collectors) {
      this.#scheduler.add({
        name: collector.name,
        intervalMs: this.#intervalMs(collector, policy()),
        immediate: collector.immediate,
        ...(collector.timeoutMs ? { timeoutMs: collector.timeoutMs } : {}),
        run: async () =>
          void await record(await collector.collect(this.#collectingPolicy(collector, policy()))),
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

/**
 * The agent's collectors — system statistics, file activity, security
 * intelligence, sample detections — on `scheduler`; `onSigVersion` hears each new signature
 * version (a common field).
 */
export function agentCollectors(
  db: Kysely<Database>,
  options: Pick<AgentOptions, "dataDir" | "prefer" | "intervals">,
  scheduler: Scheduler,
  onSigVersion: (version: string | null) => void,
): { collectors: CollectorSet; fileActivity: FileActivityCollector } {
  const fileActivity = new FileActivityCollector(options.dataDir, options.prefer);
  const intelligence = new IntelligenceCollector(db, onSigVersion);
  return {
    collectors: new CollectorSet(
      [new SystemCollector(), fileActivity, intelligence, new SampleCollector(db, options.dataDir)],
      scheduler,
      options.intervals,
    ),
    fileActivity,
  };
}
