/**
 * How the agent is started: where its data is, which managed file it
 * follows, and the intervals and interfaces the command line may force.
 *
 * @module
 */
import type { SensorKind } from "../collectors/file_activity/kernel_source.ts";
import type { WatchdogTiming } from "./resource_watchdog.ts";

/** How to start the agent. */
export interface AgentOptions {
  dataDir: string;
  managedFile: string;
  /** Seconds per collector name; overrides the policy's interval when set. */
  intervals?: Readonly<Partial<Record<string, number>>>;
  /** How often the managed file and preferences are re-read, in ms. */
  policyPollMs?: number;
  /**
   * Whether the managed file's folder is watched and SIGHUP heard (default
   * true); the poll then slows to once a minute. Tests that time their own
   * reloads turn it off.
   */
  watchPolicy?: boolean;
  /** Interfaces the file-activity subsystem tries, in order. */
  prefer?: readonly SensorKind[];
  /** How long events may wait to fill a batch before they are sent, in ms (default 5 s). */
  sendDelayMs?: number;
  log?: (message: string) => void;
  /** The resource watchdog's window and recovery time (default 30 s and 60 s). */
  watchdogTiming?: WatchdogTiming;
  /** How long without progress the liveness watch calls a hang, in ms (default 45 s). */
  livenessStallMs?: number;
  /**
   * A fault to inject (`VITRINE_FAULT=hang`): two seconds after start every
   * write to the database waits forever, as a hung store would.
   */
  fault?: "hang";
}
