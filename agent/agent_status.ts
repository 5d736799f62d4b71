/**
 * What a running agent publishes about itself.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Tier } from "../catalog/types.ts";
import { processAlive } from "../ffi/process.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";
import type { SubsystemStatus } from "../collectors/file_activity/file_activity_subsystem.ts";
import type { TaskStatus } from "./scheduler.ts";
import type { WatchdogStatus } from "./resource_watchdog.ts";
import type { LivenessWatch } from "./liveness_watch.ts";

/** What the running agent publishes about itself (kept in the database). */
export interface AgentStatus {
  pid: number;
  startedAt: number;
  updatedAt: number;
  /** The managed file this agent reads, and the level it runs at. */
  managedFile: string;
  level: Tier;
  /** The fingerprint of the policy this agent applies (see `Policy.fingerprint`). */
  policy: string;
  collectors: TaskStatus[];
  subsystem: SubsystemStatus;
  /** Share of one CPU used since the previous status, 0..cores. */
  cpuShare: number | null;
  rssBytes: number;
  /** When sending is next tried while retries back off (null when not waiting). */
  sendRetryAt: number | null;
  /** The resource watchdog: what is shed, the budgets, use over its window. */
  watchdog: WatchdogStatus;
  /** Whether systemd's watchdog is told the agent is alive. */
  liveness: ReturnType<LivenessWatch["status"]>;
  problems: string[];
}

/** An agent's status as stored, and whether that agent still runs. */
export type PublishedStatus = AgentStatus & { running: boolean };

const STATUS_KEY = "agent_status";

/** Stores `status` for commands and later runs to read (`stoppedAt` once it stopped). */
export async function publishStatus(
  db: Kysely<Database>,
  status: AgentStatus & { stoppedAt?: number },
): Promise<void> {
  await setMeta(db, STATUS_KEY, JSON.stringify(status));
}

/** The status the last agent on this database published, or null when none did. */
export async function readAgentStatus(db: Kysely<Database>): Promise<PublishedStatus | null> {
  const stored = await getMeta(db, STATUS_KEY);
  if (!stored) return null;
  const status = JSON.parse(stored) as AgentStatus & { stoppedAt?: number };
  return {
    ...status,
    running: status.stoppedAt === undefined && status.pid !== Deno.pid && processAlive(status.pid),
  };
}

/**
 * Waits up to `timeoutMs` for the running agent to publish that it applies
 * the policy with `fingerprint` (it does on every change it applies).
 * Returns the agent's status when it does; the last status read otherwise
 * (null when no agent runs).
 */
export async function agentApplying(
  db: Kysely<Database>,
  fingerprint: string,
  timeoutMs: number,
): Promise<{ status: PublishedStatus | null; applied: boolean }> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const status = await readAgentStatus(db);
    if (!status?.running) return { status: null, applied: false };
    if (status.policy === fingerprint) return { status, applied: true };
    if (Date.now() >= deadline) return { status, applied: false };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
