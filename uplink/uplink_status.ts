/**
 * What the sending half keeps between runs (the last success and error,
 * rejections) and what health, the dashboard and `vitrine sent` show of it.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Tier } from "../catalog/types.ts";
import type { Policy } from "../policy/policy.ts";
import { sendingTo } from "../policy/tiers.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import { outboxDepth, outboxFlow, outboxLosses } from "../store/outbox_queries.ts";
import type { Database } from "../store/schema.ts";

/** What is kept between runs (in meta). */
export interface UplinkStats {
  lastSuccessAt: number | null;
  lastError: { at: number; message: string } | null;
  /** Records receivers reported rejecting in a partial success. */
  rejected: number;
}

const STATS = "uplink_stats";

/** What health and the dashboard show of the sending half. */
export interface UplinkStatus extends UplinkStats {
  /** Parts a receiver refused for good (an answer OTLP does not retry, a redirect). */
  deadLettered: number;
  /** Parts ever queued and delivered: queued = delivered + waiting + every kind of unsent. */
  flow: { queued: number; delivered: number };
  /** Parts that went unsent because the outbox was full or they were too old. */
  dropped: Record<Tier, number>;
  /** Parts taken off the outbox because the policy no longer let them leave. */
  withdrawn: Record<Tier, number>;
  /** Parts whose data was deleted while they waited (retention, size limit, a lowered level). */
  deletedWithData: Record<Tier, number>;
  /** Whether the policy lets events be sent now, and where. */
  sending: boolean;
  endpoint: string | null;
  depth: Record<Tier, number>;
  /** When the next attempt may be made, while retries back off. */
  retryAt: number | null;
  /** The last failure once a delivery followed it (then `lastError` is null). */
  resolvedError: UplinkStats["lastError"];
}

/** Whether the last attempt failed and nothing has gone through since. */
export function uplinkFailing(stats: UplinkStats): boolean {
  return stats.lastError !== null &&
    (stats.lastSuccessAt === null || stats.lastError.at > stats.lastSuccessAt);
}

/** The stats kept in `db`. */
export async function loadStats(db: Kysely<Database>): Promise<UplinkStats> {
  const stored = await getMeta(db, STATS);
  const stats: UplinkStats = { lastSuccessAt: null, lastError: null, rejected: 0 };
  if (!stored) return stats;
  // Drop counts stored here by earlier versions now live with the outbox.
  const { lastSuccessAt, lastError, rejected } = JSON.parse(stored) as UplinkStats;
  return { ...stats, lastSuccessAt, lastError, rejected };
}

/** Keeps `stats` in `db`. */
export async function saveStats(db: Kysely<Database>, stats: UplinkStats): Promise<void> {
  await setMeta(db, STATS, JSON.stringify(stats));
}

/** The sending half as health shows it, read from the database and the policy. */
export async function uplinkHealth(db: Kysely<Database>, policy: Policy): Promise<UplinkStatus> {
  const endpoint = sendingTo(policy);
  const losses = await outboxLosses(db);
  const stats = await loadStats(db);
  // An error a delivery has followed is history, not the state sending is in.
  const failing = uplinkFailing(stats);
  return {
    ...stats,
    lastError: failing ? stats.lastError : null,
    resolvedError: failing ? null : stats.lastError,
    deadLettered: losses.refused.required + losses.refused.optional,
    flow: await outboxFlow(db),
    dropped: losses.bound,
    withdrawn: losses.withdrawn,
    deletedWithData: losses.with_data,
    sending: endpoint !== null,
    endpoint: endpoint?.host ?? null,
    depth: await outboxDepth(db),
    retryAt: null,
  };
}
