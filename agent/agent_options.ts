/**
 * How the agent is started: where its data is, which managed file it
 * follows, and the intervals and interfaces the command line may force.
 *
 * @module
 */
import type { KernelInterface } from "../collectors/file_activity/kernel_source.ts";

/** How to start the agent. */
export interface AgentOptions {
  dataDir: string;
  managedFile: string;
  /** Seconds per collector name; overrides the policy's interval when set. */
  intervals?: Readonly<Partial<Record<string, number>>>;
  /** How often the managed file and preferences are re-read, in ms. */
  policyPollMs?: number;
  /** Interfaces the file-activity subsystem tries, in order. */
  prefer?: readonly KernelInterface[];
  /** How long events may wait to fill a batch before they are sent, in ms (default 5 s). */
  sendDelayMs?: number;
  log?: (message: string) => void;
}
