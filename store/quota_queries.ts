/**
 * The database's size and the removal of its oldest data to fit a limit.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tier } from "../catalog/types.ts";
import type { Database } from "./schema.ts";

/** Bytes the database's data takes: its pages, less the free ones that new data reuses. */
export async function usedBytes(db: Kysely<Database>): Promise<number> {
  const row = await sql<{ bytes: number }>`SELECT
    ((SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()))
    * (SELECT page_size FROM pragma_page_size()) AS bytes`.execute(db);
  return Number(row.rows[0]?.bytes ?? 0);
}

/** What one eviction removed. */
export interface Eviction {
  tier: Tier;
  evicted: number;
  /** Time of the oldest event still holding data of that tier, or null. */
  oldestKeptAt: number | null;
}

/** Events whose data a batch removes at once. */
const BATCH = 500;

async function oldestOf(db: Kysely<Database>, tier: Tier): Promise<number | null> {
  const row = await sql<{ time: number | null }>`SELECT min(e.time) AS time FROM event e
    WHERE e.id = (SELECT event_id FROM event_part WHERE tier = ${tier} ORDER BY event_id LIMIT 1)`
    .execute(db);
  return row.rows[0]?.time ?? null;
}

/**
 * Removes the oldest `BATCH` events' data of `tier`, in one transaction:
 * optional parts alone (an event keeps its required data), or whole events
 * for required. Returns how many parts were removed.
 */
async function evictBatch(db: Kysely<Database>, tier: Tier): Promise<number> {
  return await db.transaction().execute(async (trx) => {
    const oldest = trx.selectFrom("event_part").select("event_id").where("tier", "=", tier)
      .orderBy("event_id").limit(BATCH);
    const ids = (await oldest.execute()).map((row) => row.event_id);
    if (ids.length === 0) return 0;
    const tiers: Tier[] = tier === "optional" ? ["optional"] : ["required", "optional"];
    for (const t of tiers) {
      await sql`DELETE FROM ${sql.table(`event_text_${t}`)} WHERE rowid IN (${sql.join(ids)})`
        .execute(trx);
    }
    const removed = await trx.deleteFrom("event_part").where("tier", "in", tiers)
      .where("event_id", "in", ids).executeTakeFirst();
    // An event left without any part goes too.
    await trx.deleteFrom("event").where("id", "in", ids)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("event_part").select("tier").whereRef("event_id", "=", "event.id")))
      ).execute();
    return tier === "optional" ? Number(removed.numDeletedRows) : ids.length;
  });
}

/**
 * Removes the oldest data until the data takes at most `targetBytes`:
 * optional parts first, then whole required events. Returns what was
 * removed per tier (nothing when the data already fits).
 */
export async function evictToFit(
  db: Kysely<Database>,
  limitBytes: number,
  targetBytes: number,
): Promise<Eviction[]> {
  if (await usedBytes(db) <= limitBytes) return [];
  const evictions: Eviction[] = [];
  for (const tier of ["optional", "required"] as const) {
    let evicted = 0;
    while (await usedBytes(db) > targetBytes) {
      const removed = await evictBatch(db, tier);
      if (removed === 0) break;
      evicted += removed;
    }
    if (evicted > 0) evictions.push({ tier, evicted, oldestKeptAt: await oldestOf(db, tier) });
    if (await usedBytes(db) <= targetBytes) break;
  }
  return evictions;
}
