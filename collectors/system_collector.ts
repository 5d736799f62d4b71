/**
 * The system collector as the agent schedules it.
 *
 * @module
 */
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { collectSystem } from "./collect_system.ts";
import type { Collector } from "./collector.ts";

/** Collects system_statistics on the system interval. */
export class SystemCollector implements Collector {
  readonly name = "system";
  readonly interval = "collection.systemInterval";
  readonly immediate = true;

  apply(): Promise<void> {
    return Promise.resolve();
  }

  collect(policy: Policy): Promise<RawEvent[]> {
    const fields = collectSystem(allowedTiers(policy, "collect"));
    return Promise.resolve([{ type: "system_statistics", fields }]);
  }

  problems(): string[] {
    return [];
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
