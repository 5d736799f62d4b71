/**
 * Reading stored events: a page of them, or one.
 * Each query takes the database first.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { type EventFilter, filteredIds } from "./_event_filter.ts";
import type { Tier } from "../catalog/types.ts";
import type { Fields, TierParts } from "../catalog/validate_event.ts";
import { partCanonicalJson } from "./part_codec.ts";
import type { Database } from "./schema.ts";
import { shapesFor } from "./shape_memo.ts";

/** The most events one page holds, and how many when none is asked for. */
export const MAX_PAGE = 1000;
/** Events per page unless asked otherwise. */
export const DEFAULT_PAGE = 50;

/** A stored event with the parts of the tiers that were asked for. */
export interface StoredEvent {
  id: number;
  type: string;
  time: number;
  common: Fields;
  parts: TierParts;
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
  const limit = Math.max(1, Math.min(filter.limit ?? DEFAULT_PAGE, MAX_PAGE));
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

export type { EventFilter };
