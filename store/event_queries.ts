/**
 * Reading stored events: pages, one event, the export's stream, counts.
 * Each query takes the database first.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tier } from "../catalog/types.ts";
import type { Fields, TierParts } from "../catalog/validate_event.ts";
import { partCanonicalJson } from "./part_codec.ts";
import type { Database } from "./schema.ts";
import { shapesFor } from "./shape_memo.ts";

/** A stored event with the parts of the tiers that were asked for. */
export interface StoredEvent {
  id: number;
  type: string;
  time: number;
  common: Fields;
  parts: TierParts;
}

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

function filteredIds(db: Kysely<Database>, filter: EventFilter) {
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

/** A stored event with its JSON exactly as stored (canonical form). */
export interface RawStoredEvent {
  id: number;
  type: string;
  time: number;
  common: string;
  parts: Partial<Record<Tier, string>>;
}

async function attachRawParts(
  db: Kysely<Database>,
  rows: { id: number; type: string; time: number; common_id: number }[],
  tiers: readonly Tier[],
): Promise<RawStoredEvent[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const parts = tiers.length === 0 ? [] : await db.selectFrom("event_part")
    .select(["tier", "event_id", "shape_id", "data"])
    .where("tier", "in", [...tiers]).where("event_id", "in", ids).execute();
  const shapes = await shapesFor(db, parts.map((part) => part.shape_id));
  const commons = await db.selectFrom("common_set").select(["id", "fields"])
    .where("id", "in", [...new Set(rows.map((row) => row.common_id))]).execute();
  const commonById = new Map(commons.map((c) => [c.id, c.fields]));
  const byId = new Map<number, RawStoredEvent>();
  const events = rows.map((row) => {
    const event: RawStoredEvent = {
      id: row.id,
      type: row.type,
      time: row.time,
      common: commonById.get(row.common_id) ?? "{}",
      parts: {},
    };
    byId.set(row.id, event);
    return event;
  });
  for (const part of parts) {
    const event = byId.get(part.event_id);
    const shape = shapes.get(part.shape_id);
    if (event && shape) event.parts[part.tier] = partCanonicalJson(shape, part.data);
  }
  return events;
}

async function attachParts(
  db: Kysely<Database>,
  rows: { id: number; type: string; time: number; common_id: number }[],
  tiers: readonly Tier[],
): Promise<StoredEvent[]> {
  return (await attachRawParts(db, rows, tiers)).map((raw) => ({
    id: raw.id,
    type: raw.type,
    time: raw.time,
    common: JSON.parse(raw.common),
    parts: Object.fromEntries(
      Object.entries(raw.parts).map(([tier, text]) => [tier, JSON.parse(text)]),
    ),
  }));
}

/** Reads one page of events, newest first (oldest first with `after`). */
export async function listEvents(
  db: Kysely<Database>,
  filter: EventFilter,
): Promise<StoredEvent[]> {
  const limit = Math.max(1, Math.min(filter.limit ?? 50, 1000));
  if ((filter.since !== undefined || filter.until !== undefined) && filter.after === undefined) {
    // With a time range, walk the time index (which ends in the rowid)
    // rather than scanning ids for the range.
    const { before, ...rest } = filter;
    let { query, tiers } = filteredIds(db, rest);
    if (before !== undefined) {
      const anchor = await db.selectFrom("event").select("time").where("id", "=", before)
        .executeTakeFirst();
      if (anchor) query = query.where(sql<boolean>`(time, id) < (${anchor.time}, ${before})`);
      else query = query.where("id", "<", before);
    }
    const rows = await query.orderBy("time", "desc").orderBy("id", "desc").limit(limit).execute();
    return await attachParts(db, rows, tiers);
  }
  const { query, tiers } = filteredIds(db, filter);
  const rows = await query
    .orderBy("id", filter.after !== undefined ? "asc" : "desc")
    .limit(limit)
    .execute();
  return await attachParts(db, rows, tiers);
}

/** Reads one event by id, with the parts of `allowed` tiers. */
export async function getEvent(
  db: Kysely<Database>,
  id: number,
  allowed: readonly Tier[],
): Promise<StoredEvent | undefined> {
  const rows = await db.selectFrom("event")
    .select(["id", "type", "time", "common_id"]).where("id", "=", id).execute();
  return (await attachParts(db, rows, allowed))[0];
}

/**
 * Streams matching events oldest first, `batch` at a time and as stored
 * (canonical JSON text), so that memory stays flat however many there are.
 * Each page is one query joining an event to its parts.
 */
export async function* streamRawEvents(
  db: Kysely<Database>,
  filter: Omit<EventFilter, "limit" | "before" | "after">,
  batch = 500,
): AsyncGenerator<RawStoredEvent> {
  const { query, tiers } = filteredIds(db, filter);
  if (tiers.length === 0) return;
  // A tier that may not be read is joined to nothing, so its columns are null.
  const may = (tier: Tier) => sql<boolean>`${sql.lit(tiers.includes(tier) ? 1 : 0)} = 1`;
  const commons = new Map<number, string>();
  let after = 0;
  while (true) {
    const rows: JoinedRow[] = await query.where("event.id", ">", after)
      .leftJoin(
        "event_part as r",
        (join) =>
          join.onRef("r.event_id", "=", "event.id").on("r.tier", "=", "required")
            .on(may("required")),
      )
      .leftJoin(
        "event_part as o",
        (join) =>
          join.onRef("o.event_id", "=", "event.id").on("o.tier", "=", "optional")
            .on(may("optional")),
      )
      .select([
        "r.shape_id as r_shape",
        "r.data as r_data",
        "o.shape_id as o_shape",
        "o.data as o_data",
      ])
      .orderBy("event.id", "asc").limit(batch).execute();
    if (rows.length === 0) return;
    const shapes = await shapesFor(
      db,
      rows.flatMap((row) => [row.r_shape, row.o_shape].filter((id) => id !== null)),
    );
    const missing = [...new Set(rows.map((row) => row.common_id))].filter((id) => !commons.has(id));
    if (missing.length > 0) {
      const found = await db.selectFrom("common_set").select(["id", "fields"])
        .where("id", "in", missing).execute();
      for (const common of found) commons.set(common.id, common.fields);
    }
    for (const row of rows) {
      const parts: RawStoredEvent["parts"] = {};
      const required = row.r_shape === null ? undefined : shapes.get(row.r_shape);
      const optional = row.o_shape === null ? undefined : shapes.get(row.o_shape);
      if (required && row.r_data !== null) parts.required = partCanonicalJson(required, row.r_data);
      if (optional && row.o_data !== null) parts.optional = partCanonicalJson(optional, row.o_data);
      yield {
        id: row.id,
        type: row.type,
        time: row.time,
        common: commons.get(row.common_id) ?? "{}",
        parts,
      };
    }
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** One row of the export's page query: an event and its parts (null where not read). */
interface JoinedRow {
  id: number;
  type: string;
  time: number;
  common_id: number;
  r_shape: number | null;
  r_data: string | null;
  o_shape: number | null;
  o_data: string | null;
}

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
