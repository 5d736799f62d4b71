/**
 * The database's size and the removal of its oldest data to fit a limit.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { EVICTION_ORDER, type Tier } from "../catalog/types.ts";
import { keepEventIdHigh } from "./event_id_high.ts";
import type { Database } from "./schema.ts";
import { summariseSentLog } from "./summarise_sent_log.ts";

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
    // An event left without parts goes too, whichever tier this is.
    await keepEventIdHigh(trx);
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
    await summariseSentLog(trx);
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
  for (const tier of EVICTION_ORDER) {
    let evicted = 0;
    while (await usedBytes(db) > targetBytes) {
      const removed = await evictBatch(db, tier);
      if (removed === 0) break;
      evicted += removed;
      // Let collection and the dashboard in between batches: a database far
      // over its limit (a lowered cap) takes many of them.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (evicted > 0) evictions.push({ tier, evicted, oldestKeptAt: await oldestOf(db, tier) });
    if (await usedBytes(db) <= targetBytes) break;
  }
  return evictions;
}

/** SQLite's auto_vacuum modes, as `PRAGMA auto_vacuum` reports them. */
const INCREMENTAL = 2;

/** Whether the database can give free pages back to the disk (auto_vacuum is incremental). */
export async function canReleasePages(db: Kysely<Database>): Promise<boolean> {
  const row = await sql<{ auto_vacuum: number }>`PRAGMA auto_vacuum`.execute(db);
  return Number(row.rows[0]?.auto_vacuum) === INCREMENTAL;
}

/** Pages at most given back in one step: a few MiB, so that no step stalls the agent. */
const RELEASE_STEP = 1024;

/**
 * Gives the database's free pages back to the disk, a few MiB at a time
 * with a pause for other work between steps, then moves them out of the
 * write-ahead log. Returns the bytes given back (0 where the database
 * cannot release pages: see rebuild_for_free_pages.ts).
 */
export async function releaseFreePages(db: Kysely<Database>): Promise<number> {
  if (!(await canReleasePages(db))) return 0;
  const pageSize = Number(
    (await sql<{ page_size: number }>`PRAGMA page_size`.execute(db)).rows[0]?.page_size ?? 4096,
  );
  let released = 0;
  while (true) {
    const free = Number(
      (await sql<{ freelist_count: number }>`PRAGMA freelist_count`.execute(db)).rows[0]
        ?.freelist_count ?? 0,
    );
    if (free === 0) break;
    const step = Math.min(free, RELEASE_STEP);
    await sql`PRAGMA incremental_vacuum(${sql.lit(step)})`.execute(db);
    released += step * pageSize;
    // Let collection and the dashboard in between steps.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (released > 0) await checkpoint(db);
  return released;
}

/**
 * Moves what the write-ahead log holds into the database file and cuts the
 * log back, without waiting: a reader holding an old snapshot (an export)
 * makes this a partial checkpoint, finished by a later call. True when
 * the log was emptied.
 */
export async function checkpoint(db: Kysely<Database>): Promise<boolean> {
  await sql`PRAGMA busy_timeout = 0`.execute(db);
  try {
    const row = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return Number(row.rows[0]?.busy ?? 1) === 0;
  } catch {
    return false;
  } finally {
    await sql`PRAGMA busy_timeout = 5000`.execute(db);
  }
}
