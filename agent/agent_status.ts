/**
 * What a running agent publishes about itself.
 *
 * @module
 */
import type { Tier } from "../catalog/types.ts";
import type { SubsystemStatus } from "../collectors/file_activity/file_activity_subsystem.ts";
import type { TaskStatus } from "./scheduler.ts";

/** What the running agent publishes about itself (kept in the database). */
export interface AgentStatus {
  pid: number;
  startedAt: number;
  updatedAt: number;
  /** The managed file this agent reads, and the level it runs at. */
  managedFile: string;
  level: Tier;
  collectors: TaskStatus[];
  subsystem: SubsystemStatus;
  /** Share of one CPU used since the previous status, 0..cores. */
  cpuShare: number | null;
  rssBytes: number;
  /** When sending is next tried while retries back off (null when not waiting). */
  sendRetryAt: number | null;
  problems: string[];
}
