/**
 * Counting stored events: by tier, by type, or those a filter selects.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tier } from "../catalog/types.ts";
import { type EventFilter, filteredIds, partProbe } from "./_event_filter.ts";
import type { Database } from "./schema.ts";

/** The id of the newest stored event (0 when none): it changes whenever an event is stored. */
export async function newestEventId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("event").select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** How many events match `filter`. */
export async function countEvents(
  db: Kysely<Database>,
  filter: Omit<EventFilter, "limit" | "before" | "after">,
): Promise<number> {
  const { query } = filteredIds(db, filter);
  const row = await db.selectFrom(query.as("e"))
    .select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Stored parts per tier (from the counts the triggers keep). */
export async function countByTier(
  db: Kysely<Database>,
): Promise<Record<Tier, number>> {
  const rows = await db.selectFrom("part_count")
    .select(["tier", (eb) => eb.fn.sum<number>("count").as("count")])
    .groupBy("tier").execute();
  const counts: Record<Tier, number> = { required: 0, optional: 0 };
  for (const row of rows) counts[row.tier] = Number(row.count);
  return counts;
}

/**
 * Events per type and tier. Without a narrowing filter the counts the
 * triggers keep are read; with one, the matching events are counted.
 */
export async function countByType(
  db: Kysely<Database>,
  filter: Omit<EventFilter, "limit" | "before" | "after">,
): Promise<Record<string, Partial<Record<Tier, number>>>> {
  const counts: Record<string, Partial<Record<Tier, number>>> = {};
  const narrowed = Object.entries(filter).some(([key, value]) =>
    key !== "allowed" && value !== undefined
  );
  if (!narrowed) {
    if (filter.allowed.length === 0) return counts;
    const rows = await db.selectFrom("part_count").select(["type", "tier", "count"])
      .where("tier", "in", [...filter.allowed]).where("count", ">", 0).execute();
    for (const row of rows) (counts[row.type] ??= {})[row.tier] = Number(row.count);
    return counts;
  }
  const { query, tiers } = filteredIds(db, filter);
  if (tiers.length === 0) return counts;
  const columns = tiers.map((tier) =>
    sql<number>`sum(EXISTS (${partProbe([tier])}))`.as(`tier_${tier}`)
  );
  const rows = await db.selectFrom(query.as("event")).select("event.type")
    .select(columns).groupBy("event.type").execute() as Record<string, unknown>[];
  for (const row of rows) {
    for (const tier of tiers) {
      const count = Number(row[`tier_${tier}`] ?? 0);
      if (count > 0) (counts[row.type as string] ??= {})[tier] = count;
    }
  }
  return counts;
}

/** The time of the oldest stored event of `types` (epoch ms), or null when there is none. */
export async function oldestEventTime(
  db: Kysely<Database>,
  types: readonly string[],
): Promise<number | null> {
  let oldest: number | null = null;
  // One indexed look per type (event_type_time).
  for (const type of types) {
    const row = await db.selectFrom("event").select("time").where("type", "=", type)
      .orderBy("time", "asc").limit(1).executeTakeFirst();
    if (row && (oldest === null || row.time < oldest)) oldest = row.time;
  }
  return oldest;
}
