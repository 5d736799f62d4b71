/**
 * The health report shared by `vitrine health`, GET /api/health and the
 * dashboard.
 *
 * @module
 */
import { waitingDeletionNotices } from "../store/delete_all_data.ts";
import type { Tier } from "../catalog/types.ts";
import { APP_VERSION } from "../identity/identity.ts";
import type { ManagedState, Policy, PolicyEntry } from "../policy/policy.ts";
import { countByTier } from "../store/count_queries.ts";
import type { Store } from "../store/open_store.ts";
import { usedBytes } from "../store/quota_queries.ts";
import { type AgentStatus, type PublishedStatus, readAgentStatus } from "./agent_status.ts";
import { type EvictionTotals, evictionTotals, storageLimitBytes } from "./storage_keeper.ts";
import { dataPaths } from "../store/data_paths.ts";
import { sendingTo, usesTls } from "../policy/tiers.ts";
import { uplinkFailing, uplinkHealth, type UplinkStatus } from "../uplink/uplink_status.ts";
import {
  type DatabaseDirectory,
  databaseProblems,
  readDatabaseDirectory,
  sigVersionOf,
} from "../intelligence/clamav_databases.ts";

/** The health report. */
export interface Health {
  version: string;
  dataDir: string;
  database: {
    path: string;
    /** The database file and its WAL on disk. */
    bytes: number;
    /** What its data takes (free pages excluded), and the limit it is held to. */
    usedBytes: number;
    limitBytes: number;
    /** What was evicted to stay within the limit. */
    evictions: EvictionTotals;
  };
  counts: Record<Tier, number>;
  level: Tier;
  /** The sending half: where to, what waits, what came of it. */
  uplink: UplinkStatus;
  /** ClamAV's signature databases as read now, and the sig_version they give. */
  intelligence: DatabaseDirectory & { sigVersion: string | null };
  policy: {
    managedFile: string;
    managedState: ManagedState;
    settings: (PolicyEntry & { managed: boolean })[];
  };
  /** Null when no agent has published a status in this data directory. */
  agent: PublishedStatus | null;
  /** Requests to delete this machine's data whose record the backend has not received. */
  deletion: { waiting: number; since: number | null };
  problems: string[];
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Builds the report. `live` is the running agent's own status when the
 * caller is that agent; otherwise the last status it stored is used.
 * `notes` are added to the problems (where a command and the agent differ).
 */
export async function buildHealth(
  store: Store,
  dataDir: string,
  policy: Policy,
  live?: AgentStatus,
  notes: readonly string[] = [],
): Promise<Health> {
  const { database } = dataPaths(dataDir);
  const agent: Health["agent"] = live
    ? { ...live, running: true }
    : await readAgentStatus(store.db);
  const problems = policy.problems.map((p) => p.message);
  if (policy.managedState === "invalid") {
    problems.push(
      "The agent runs at the required tier only, and sends nothing, until the managed file is fixed; what waits to be sent and what is stored are kept meanwhile.",
    );
  }
  if (policy.get("cloudService.enabled") && sendingTo(policy) === null) {
    const uri = policy.get("cloudService.serviceUri");
    problems.push(
      uri !== null && uri.startsWith("http:") && usesTls(policy)
        ? `Sending is on, but cloudService.serviceUri "${uri}" is plain http while TLS files (caFile, client certificate) are set: nothing is sent in the clear. Use https://.`
        : `Sending is on (cloudService.enabled) but cloudService.serviceUri ${
          uri === null ? "is not set" : "cannot be used"
        }: nothing is sent. Set it to the organisation's OTLP/HTTP endpoint.`,
    );
  }
  if (agent?.running) problems.push(...agent.problems);
  const uplink = await uplinkHealth(store.db, policy);
  if (agent?.running) uplink.retryAt = agent.sendRetryAt ?? null;
  const failing = uplinkFailing(uplink);
  if (uplink.sending && failing) {
    const waiting = uplink.depth.required + uplink.depth.optional;
    problems.push(`${uplink.lastError!.message} (${waiting} records wait in the outbox).`);
  }
  const databases = await readDatabaseDirectory(
    policy.get("securityIntelligence.databaseDirectory"),
  );
  problems.push(
    ...databaseProblems(
      databases,
      policy.source("securityIntelligence.databaseDirectory") !== "default",
    ),
  );
  const deletion = await waitingDeletionNotices(store.db);
  if (deletion.count > 0 && sendingTo(policy) === null) {
    problems.push(
      `This machine's diagnostic data was deleted at ${
        new Date(deletion.since!).toISOString()
      }; the backend is asked to delete its copy the next time sending is on (cloudService.enabled with a serviceUri).`,
    );
  }
  problems.push(...notes);
  return {
    version: APP_VERSION,
    dataDir,
    database: {
      path: database,
      bytes: (await fileSize(database)) + (await fileSize(`${database}-wal`)),
      usedBytes: await usedBytes(store.db),
      limitBytes: storageLimitBytes(policy),
      evictions: await evictionTotals(store.db),
    },
    counts: await countByTier(store.db),
    level: policy.level,
    uplink,
    intelligence: { ...databases, sigVersion: sigVersionOf(databases) },
    policy: {
      managedFile: policy.managedFile,
      managedState: policy.managedState,
      settings: policy.entries().map((entry) => ({
        ...entry,
        managed: entry.source === "managed",
      })),
    },
    agent,
    deletion: { waiting: deletion.count, since: deletion.since },
    problems,
  };
}
