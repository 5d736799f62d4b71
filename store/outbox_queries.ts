/**
 * The outbox of event parts waiting to be sent, and the log of deliveries.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tier } from "../catalog/types.ts";
import { shapesFor } from "./event_queries.ts";
import { partCanonicalJson } from "./part_codec.ts";
import type { Database, DeliveryTable } from "./schema.ts";

/** An event waiting to be sent, with the parts queued for it (canonical JSON text). */
export interface QueuedEvent {
  id: number;
  type: string;
  time: number;
  common: string;
  parts: Partial<Record<Tier, string>>;
}

/** Queued parts per tier. */
export async function outboxDepth(db: Kysely<Database>): Promise<Record<Tier, number>> {
  const rows = await db.selectFrom("outbox")
    .select(["tier", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("tier").execute();
  const depth: Record<Tier, number> = { required: 0, optional: 0 };
  for (const row of rows) depth[row.tier] = Number(row.n);
  return depth;
}

/**
 * The oldest `limit` events with parts queued in `tiers`, each with those
 * parts. Parts of other tiers stay queued (and are removed when the level
 * no longer lets them leave).
 */
export async function nextQueued(
  db: Kysely<Database>,
  tiers: readonly Tier[],
  limit: number,
): Promise<QueuedEvent[]> {
  if (tiers.length === 0) return [];
  const rows = await db.selectFrom("outbox as q")
    .innerJoin("event as e", "e.id", "q.event_id")
    .innerJoin(
      "event_part as p",
      (join) => join.onRef("p.event_id", "=", "q.event_id").onRef("p.tier", "=", "q.tier"),
    )
    .innerJoin("common_set as c", "c.id", "e.common_id")
    .select(["e.id", "e.type", "e.time", "c.fields as common", "q.tier", "p.shape_id", "p.data"])
    .where("q.tier", "in", [...tiers])
    .where(
      "q.event_id",
      "in",
      (eb) =>
        eb.selectFrom("outbox").select("event_id").where("tier", "in", [...tiers])
          .orderBy("event_id").limit(limit),
    )
    .orderBy("e.id").execute();
  const shapes = await shapesFor(db, rows.map((row) => row.shape_id));
  const events = new Map<number, QueuedEvent>();
  for (const row of rows) {
    const shape = shapes.get(row.shape_id);
    if (!shape) continue;
    let event = events.get(row.id);
    if (!event) {
      event = { id: row.id, type: row.type, time: row.time, common: row.common, parts: {} };
      events.set(row.id, event);
    }
    event.parts[row.tier] = partCanonicalJson(shape, row.data);
  }
  return [...events.values()];
}

/**
 * How many parts of `tiers` wait, counting up to `upTo`, and when the
 * oldest of them was queued (epoch ms).
 */
export async function queuedSince(
  db: Kysely<Database>,
  tiers: readonly Tier[],
  upTo: number,
): Promise<{ count: number; oldest: number }> {
  if (tiers.length === 0) return { count: 0, oldest: 0 };
  const row = await db.selectFrom(
    (eb) =>
      eb.selectFrom("outbox").select(["queued_at"]).where("tier", "in", [...tiers])
        .orderBy("event_id").limit(upTo).as("head"),
  ).select((eb) => [
    eb.fn.countAll<number>().as("count"),
    eb.fn.min("queued_at").as("oldest"),
  ]).executeTakeFirstOrThrow();
  return { count: Number(row.count), oldest: Number(row.oldest ?? 0) };
}

/** A delivery as the log keeps it. */
export type Delivery = Omit<DeliveryTable, "id"> & { id: number };

/**
 * Logs a delivery attempt; when it carried `parts` (a 2xx), marks them sent
 * and takes them off the outbox in the same transaction. Returns its id.
 */
export async function logDelivery(
  db: Kysely<Database>,
  delivery: Omit<Delivery, "id">,
  sent: readonly { event_id: number; tier: Tier }[] = [],
): Promise<number> {
  return await db.transaction().execute(async (trx) => {
    const { id } = await trx.insertInto("delivery").values(delivery).returning("id")
      .executeTakeFirstOrThrow();
    if (sent.length > 0) {
      // Two statements for the whole batch, whatever its size.
      const parts = partsJson(sent);
      await sql`INSERT OR REPLACE INTO sent_part (event_id, tier, delivery_id)
        SELECT value ->> 0, value ->> 1, ${id} FROM json_each(${parts})`.execute(trx);
      await deleteParts(trx, parts);
    }
    // The log keeps the latest deliveries only.
    await trx.deleteFrom("delivery").where("id", "<=", id - DELIVERY_LOG).execute();
    return id;
  });
}

/** Parts as a JSON array of [event_id, tier] pairs, for json_each. */
function partsJson(parts: readonly { event_id: number; tier: Tier }[]): string {
  return JSON.stringify(parts.map((part) => [part.event_id, part.tier]));
}

/** Takes the parts of a JSON array of [event_id, tier] off the outbox; returns how many. */
async function deleteParts(db: Kysely<Database>, parts: string): Promise<number> {
  const result = await sql`DELETE FROM outbox WHERE (event_id, tier) IN
    (SELECT value ->> 0, value ->> 1 FROM json_each(${parts}))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Deliveries kept in the log. */
const DELIVERY_LOG = 5000;

/** Takes parts off the outbox without sending them (a refusal, a bound); returns how many. */
export async function dropQueued(
  db: Kysely<Database>,
  parts: readonly { event_id: number; tier: Tier }[],
): Promise<number> {
  return parts.length === 0 ? 0 : await deleteParts(db, partsJson(parts));
}

/** Empties the outbox of `tiers` (all of it when none is named); returns how many parts went. */
export async function clearOutbox(db: Kysely<Database>, tiers?: readonly Tier[]): Promise<number> {
  let query = db.deleteFrom("outbox");
  if (tiers) query = query.where("tier", "in", [...tiers]);
  return Number((await query.executeTakeFirst()).numDeletedRows);
}

/**
 * Keeps the outbox within `maxParts` and `maxAgeMs`: parts queued before
 * `now - maxAgeMs` go, then the oldest, optional before required. Returns
 * how many of each tier went.
 */
export async function boundOutbox(
  db: Kysely<Database>,
  maxParts: number,
  maxAgeMs: number,
  now: number,
): Promise<Record<Tier, number>> {
  const dropped: Record<Tier, number> = { required: 0, optional: 0 };
  for (const tier of ["optional", "required"] as const) {
    const old = await db.deleteFrom("outbox").where("tier", "=", tier)
      .where("queued_at", "<", now - maxAgeMs).executeTakeFirst();
    dropped[tier] += Number(old.numDeletedRows);
  }
  for (const tier of ["optional", "required"] as const) {
    const depth = await outboxDepth(db);
    const excess = depth.required + depth.optional - maxParts;
    if (excess <= 0) break;
    const cut = await sql`DELETE FROM outbox WHERE tier = ${tier} AND event_id IN (
      SELECT event_id FROM outbox WHERE tier = ${tier} ORDER BY event_id LIMIT ${excess})`
      .execute(db);
    dropped[tier] += Number(cut.numAffectedRows ?? 0);
  }
  return dropped;
}

/** The latest deliveries (before delivery `before`, when given), newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  limit = 100,
  before?: number,
): Promise<Delivery[]> {
  let query = db.selectFrom("delivery").selectAll();
  if (before !== undefined) query = query.where("id", "<", before);
  return await query.orderBy("id", "desc").limit(Math.max(1, Math.min(limit, 1000))).execute();
}

/** Where the parts of an event went, or wait to go. */
export interface Journey {
  sent: { tier: Tier; delivery: Delivery }[];
  queued: Tier[];
}

/** Where the parts of event `id` went, or wait to go. */
export async function partsJourney(db: Kysely<Database>, id: number): Promise<Journey> {
  const sent = await db.selectFrom("sent_part as s").innerJoin(
    "delivery as d",
    "d.id",
    "s.delivery_id",
  )
    .select([
      "s.tier",
      "d.id",
      "d.at",
      "d.endpoint",
      "d.records",
      "d.bytes",
      "d.status",
      "d.attempts",
      "d.rejected",
      "d.error",
    ])
    .where("s.event_id", "=", id).execute();
  const queued = await db.selectFrom("outbox").select("tier").where("event_id", "=", id).execute();
  return {
    sent: sent.map(({ tier, ...delivery }) => ({ tier, delivery })),
    queued: queued.map((row) => row.tier),
  };
}
