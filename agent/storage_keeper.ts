/**
 * Keeps the database within `retention.maxSizeMB`: evicts the oldest data,
 * optional first, records each eviction and keeps their totals for health.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Policy } from "../policy/policy.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import { checkpoint, evictToFit, releaseFreePages, usedBytes } from "../store/quota_queries.ts";
import type { Database } from "../store/schema.ts";

/** Evictions since the database was created, per tier, and the last one's time. */
export interface EvictionTotals {
  optional: number;
  required: number;
  lastAt: number | null;
}

const TOTALS = "storage_evictions";
/** An eviction makes room down to this share of the limit, so it does not run again at once. */
const TARGET = 0.9;

/** The eviction totals kept in `db`. */
export async function evictionTotals(db: Kysely<Database>): Promise<EvictionTotals> {
  const stored = await getMeta(db, TOTALS);
  return stored ? JSON.parse(stored) : { optional: 0, required: 0, lastAt: null };
}

/** The most bytes the database may take under `policy` (retention.maxSizeMB). */
export function storageLimitBytes(policy: Policy): number {
  return policy.get("retention.maxSizeMB") * 1024 * 1024;
}

/**
 * Keeps the database within what `policy` allows on disk: evicts what
 * exceeds the limit (see {@linkcode enforceSizeLimit}), gives free pages
 * back to the disk (a database made before that was possible is rebuilt
 * once, at the agent's start), and empties the write-ahead log.
 */
export async function keepStorage(
  db: Kysely<Database>,
  policy: Policy,
  record: (events: RawEvent[]) => Promise<unknown>,
): Promise<void> {
  await enforceSizeLimit(db, policy, record);
  await releaseFreePages(db);
  await checkpoint(db);
}

/**
 * Evicts what exceeds the limit `policy` sets, records a storage_eviction
 * event per tier evicted and adds to the totals. Does nothing when the data fits.
 */
export async function enforceSizeLimit(
  db: Kysely<Database>,
  policy: Policy,
  record: (events: RawEvent[]) => Promise<unknown>,
): Promise<void> {
  const limit = storageLimitBytes(policy);
  const evictions = await evictToFit(db, limit, Math.floor(limit * TARGET));
  if (evictions.length === 0) return;
  const used = await usedBytes(db);
  const totals = await evictionTotals(db);
  for (const eviction of evictions) totals[eviction.tier] += eviction.evicted;
  totals.lastAt = Date.now();
  await setMeta(db, TOTALS, JSON.stringify(totals));
  await record(evictions.map((eviction) => ({
    type: "storage_eviction",
    fields: {
      tier: eviction.tier,
      evicted_records: eviction.evicted,
      oldest_kept_at: eviction.oldestKeptAt,
      limit_bytes: limit,
      used_bytes: used,
    },
  })));
}
