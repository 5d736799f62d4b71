// Which events a filter selects, as SQL: shared by the queries that list,
// stream and count events. Internal to store/.
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Tier } from "../catalog/types.ts";
import type { Database } from "./schema.ts";

/** Which events to read. */
export interface EventFilter {
  /** Tiers whose data may be read at all (the policy's ceiling). */
  allowed: readonly Tier[];
  /** Only events that have data of this tier, and only that data. */
  tier?: Tier;
  type?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** Words searched in field names and values. */
  search?: string;
  /** Only events with an id below this (keyset paging, newest first). */
  before?: number;
  /** Only events with an id above this (oldest first). */
  after?: number;
  limit?: number;
}

/** Quotes user words for an FTS5 query: every word must match, as a prefix. */
export function ftsQuery(search: string): string | null {
  // Control characters (NUL among them) cannot appear in an FTS5 string.
  // deno-lint-ignore no-control-regex
  const words = search.replace(/[\u0000-\u001f\u007f]/g, " ").split(/[\s"]+/)
    .filter((word) => word.length > 0);
  if (words.length === 0) return null;
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
}

/**
 * A subquery that finds a part of `event.id` in one of `tiers`, through the
 * small (event_id, tier) index rather than the rows holding the values.
 */
export function partProbe(tiers: readonly Tier[]): ReturnType<typeof sql<unknown>> {
  return sql`SELECT 1 FROM event_part INDEXED BY event_part_event
    WHERE event_part.event_id = event.id AND event_part.tier IN (${sql.join([...tiers])})`;
}

/** The rows a filter selects: events without their parts. */
export type EventRows = SelectQueryBuilder<
  Database,
  "event",
  { id: number; type: string; time: number; common_id: number }
>;

/** The query of the events `filter` selects, and the tiers it may read of them. */
export function filteredIds(
  db: Kysely<Database>,
  filter: EventFilter,
): { query: EventRows; tiers: readonly Tier[] } {
  const tiers = filter.tier
    ? filter.allowed.filter((tier) => tier === filter.tier)
    : filter.allowed;
  // Columns are named with their table: parts may be joined to this query.
  let query = db.selectFrom("event").select([
    "event.id",
    "event.type",
    "event.time",
    "event.common_id",
  ]);
  if (filter.type !== undefined) query = query.where("event.type", "=", filter.type);
  if (filter.since !== undefined) query = query.where("event.time", ">=", filter.since);
  if (filter.until !== undefined) query = query.where("event.time", "<", filter.until);
  if (filter.before !== undefined) query = query.where("event.id", "<", filter.before);
  if (filter.after !== undefined) query = query.where("event.id", ">", filter.after);
  // Only events with data in a tier that may be read; an event whose data
  // the policy withholds entirely is not shown at all.
  query = tiers.length === 0
    ? query.where(sql<boolean>`0`)
    : query.where(sql<boolean>`EXISTS (${partProbe(tiers)})`);
  const match = filter.search ? ftsQuery(filter.search) : null;
  if (filter.search !== undefined && match !== null) {
    const sources = tiers.map((tier) =>
      sql<number>`SELECT rowid FROM ${sql.table(`event_text_${tier}`)} WHERE ${
        sql.table(`event_text_${tier}`)
      } MATCH ${match}`
    );
    query = sources.length === 0 ? query.where(sql<boolean>`0`) : query.where(
      sql<boolean>`event.id IN (${sql.join(sources, sql` UNION `)})`,
    );
  }
  return { query, tiers };
}
