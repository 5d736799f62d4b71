/**
 * The outbox of event parts waiting to be sent, and the accounts of what
 * left it unsent.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { EVICTION_ORDER, type Tier } from "../catalog/types.ts";
import { partCanonicalJson } from "./part_codec.ts";
import type { Database, OutboxLossReason } from "./schema.ts";
import { shapesFor } from "./shape_memo.ts";

/** An event waiting to be sent, with the parts queued for it (canonical JSON text). */
export interface QueuedEvent {
  id: number;
  type: string;
  time: number;
  common: string;
  parts: Partial<Record<Tier, string>>;
}

/** Queued parts per tier (from the counts the triggers keep). */
export async function outboxDepth(db: Kysely<Database>): Promise<Record<Tier, number>> {
  const rows = await db.selectFrom("outbox_count").select(["tier", "n"]).execute();
  const depth: Record<Tier, number> = { required: 0, optional: 0 };
  for (const row of rows) depth[row.tier] = Number(row.n);
  return depth;
}

/** Parts ever queued and ever delivered (since the outbox was counted). */
export async function outboxFlow(
  db: Kysely<Database>,
): Promise<{ queued: number; delivered: number }> {
  const flow = { queued: 0, delivered: 0 };
  const rows = await db.selectFrom("outbox_flow").select(["kind", "n"]).execute();
  for (const row of rows) flow[row.kind] = Number(row.n);
  return flow;
}

/** Parts that left the outbox unsent, by why and tier, since the database was made. */
export type OutboxLosses = Record<OutboxLossReason, Record<Tier, number>>;

/** The parts that left the outbox unsent, by why. */
export async function outboxLosses(db: Kysely<Database>): Promise<OutboxLosses> {
  const losses: OutboxLosses = {
    bound: { required: 0, optional: 0 },
    withdrawn: { required: 0, optional: 0 },
    with_data: { required: 0, optional: 0 },
    refused: { required: 0, optional: 0 },
  };
  const rows = await db.selectFrom("outbox_loss").select(["reason", "tier", "n"]).execute();
  for (const row of rows) losses[row.reason][row.tier] = Number(row.n);
  return losses;
}

async function countLoss(
  db: Kysely<Database>,
  reason: OutboxLossReason,
  tier: Tier,
  n: number,
): Promise<void> {
  if (n <= 0) return;
  await db.insertInto("outbox_loss").values({ reason, tier, n })
    .onConflict((oc) => oc.columns(["reason", "tier"]).doUpdateSet({ n: sql`n + ${n}` }))
    .execute();
}

/**
 * Takes the oldest `count` parts of `tier` off the outbox, counting them
 * as lost for `reason` (callers run it in a transaction). Returns how many went.
 */
async function dropOldest(
  db: Kysely<Database>,
  tier: Tier,
  count: number,
  reason: OutboxLossReason,
): Promise<number> {
  if (count <= 0) return 0;
  const cut = await sql`DELETE FROM outbox WHERE tier = ${tier} AND event_id IN (
    SELECT event_id FROM outbox WHERE tier = ${tier} ORDER BY event_id LIMIT ${count})`
    .execute(db);
  const dropped = Number(cut.numAffectedRows ?? 0);
  await countLoss(db, reason, tier, dropped);
  return dropped;
}

/**
 * Holds the outbox to `maxParts`: the oldest parts go, optional before
 * required, counted as lost to the bound. Called in the transaction that
 * queued new parts, so that the bound holds at every insert.
 */
export async function holdOutboxTo(
  db: Kysely<Database>,
  maxParts: number,
): Promise<Record<Tier, number>> {
  const dropped: Record<Tier, number> = { required: 0, optional: 0 };
  for (const tier of EVICTION_ORDER) {
    const depth = await outboxDepth(db);
    const excess = depth.required + depth.optional - maxParts;
    if (excess <= 0) break;
    dropped[tier] = await dropOldest(db, tier, Math.min(excess, depth[tier]), "bound");
  }
  return dropped;
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
      // `limit` events, however many of their parts wait.
      (eb) =>
        eb.selectFrom("outbox").select("event_id").distinct().where("tier", "in", [...tiers])
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

/** Parts as a JSON array of [event_id, tier] pairs, for json_each. */
export function partsJson(parts: readonly { event_id: number; tier: Tier }[]): string {
  return JSON.stringify(parts.map((part) => [part.event_id, part.tier]));
}

/** Takes the parts of a JSON array of [event_id, tier] off the outbox; returns how many. */
export async function deleteParts(db: Kysely<Database>, parts: string): Promise<number> {
  const result = await sql`DELETE FROM outbox WHERE (event_id, tier) IN
    (SELECT value ->> 0, value ->> 1 FROM json_each(${parts}))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Takes parts a receiver refused for good off the outbox, counting them as
 * refused in the same transaction; returns how many.
 */
export async function dropQueued(
  db: Kysely<Database>,
  parts: readonly { event_id: number; tier: Tier }[],
): Promise<number> {
  if (parts.length === 0) return 0;
  return await db.transaction().execute(async (trx) => {
    let dropped = 0;
    for (const tier of ["required", "optional"] as const) {
      const ofTier = parts.filter((part) => part.tier === tier);
      if (ofTier.length === 0) continue;
      const n = await deleteParts(trx, partsJson(ofTier));
      await countLoss(trx, "refused", tier, n);
      dropped += n;
    }
    return dropped;
  });
}

/**
 * Empties the outbox of `tiers`, counting what went as withdrawn by the
 * policy; returns how many parts went.
 */
export async function clearOutbox(db: Kysely<Database>, tiers: readonly Tier[]): Promise<number> {
  return await db.transaction().execute(async (trx) => {
    let cleared = 0;
    for (const tier of tiers) {
      const result = await trx.deleteFrom("outbox").where("tier", "=", tier).executeTakeFirst();
      const n = Number(result.numDeletedRows);
      await countLoss(trx, "withdrawn", tier, n);
      cleared += n;
    }
    return cleared;
  });
}

/**
 * Keeps the outbox within `maxParts` and `maxAgeMs`: parts queued before
 * `now - maxAgeMs` go, then the oldest, optional before required, each
 * counted as lost to the bound. Returns how many of each tier went.
 */
export async function boundOutbox(
  db: Kysely<Database>,
  maxParts: number,
  maxAgeMs: number,
  now: number,
): Promise<Record<Tier, number>> {
  return await db.transaction().execute(async (trx) => {
    const dropped: Record<Tier, number> = { required: 0, optional: 0 };
    for (const tier of EVICTION_ORDER) {
      const old = await trx.deleteFrom("outbox").where("tier", "=", tier)
        .where("queued_at", "<", now - maxAgeMs).executeTakeFirst();
      dropped[tier] += Number(old.numDeletedRows);
      await countLoss(trx, "bound", tier, Number(old.numDeletedRows));
    }
    const held = await holdOutboxTo(trx, maxParts);
    dropped.required += held.required;
    dropped.optional += held.optional;
    return dropped;
  });
}
