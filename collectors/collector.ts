/**
 * What the agent needs from a collector. The agent schedules every
 * collector of its list the same way.
 *
 * @module
 */
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Policy } from "../policy/policy.ts";

/** The settings that give collection intervals. */
export type IntervalSetting =
  | "collection.systemInterval"
  | "collection.fileActivityInterval"
  | "securityIntelligence.checkInterval"
  | "samples.checkInterval";

/** A source of events on an interval. */
export interface Collector {
  /** The scheduler task's name (and the `--…-interval` flag's stem). */
  readonly name: string;
  /** The setting that gives the interval. */
  readonly interval: IntervalSetting;
  /** Whether the first run happens at start rather than after one interval. */
  readonly immediate: boolean;
  /** How long a run may take before it is abandoned (default: its interval, at least 5 s). */
  readonly timeoutMs?: number;
  /** Brings the collector in line with `policy` (starting or stopping what it reads). */
  apply(policy: Policy): Promise<void>;
  /** Reads the events of one run, within what `policy` lets be collected. */
  collect(policy: Policy): Promise<RawEvent[]>;
  /** Trouble worth reporting in health. */
  problems(): string[];
  /** Stops whatever the collector keeps running. */
  stop(): Promise<void>;
}
