/**
 * The log of deliveries: every attempt to send a batch, whatever came of
 * it, and which delivery carried each part.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tier } from "../catalog/types.ts";
import { MAX_PAGE } from "./event_queries.ts";
import { deleteParts, partsJson } from "./outbox_queries.ts";
import type { Database, DeliveryTable } from "./schema.ts";
import { appendLeaves, type NewLeaf } from "./sent_log_queries.ts";

/** A delivery as the log keeps it. */
export type Delivery = Omit<DeliveryTable, "id"> & { id: number };

/** Deliveries kept in the log. */
const DELIVERY_LOG = 5000;

/**
 * Logs a delivery attempt; when it carried `parts` (a 2xx), marks them sent
 * and takes them off the outbox in the same transaction. Returns its id.
 */
export async function logDelivery(
  db: Kysely<Database>,
  delivery: Omit<Delivery, "id">,
  sent: readonly { event_id: number; tier: Tier }[] = [],
  leaves: readonly NewLeaf[] = [],
): Promise<number> {
  return await db.transaction().execute(async (trx) => {
    const { id } = await trx.insertInto("delivery").values(delivery).returning("id")
      .executeTakeFirstOrThrow();
    if (sent.length > 0) {
      // A few statements for the whole batch, whatever its size.
      const parts = partsJson(sent);
      await sql`INSERT OR REPLACE INTO sent_part (event_id, tier, delivery_id)
        SELECT value ->> 0, value ->> 1, ${id} FROM json_each(${parts})`.execute(trx);
      const delivered = await deleteParts(trx, parts);
      await trx.updateTable("outbox_flow").set({ n: sql`n + ${delivered}` })
        .where("kind", "=", "delivered").execute();
      // What left becomes leaves of the log, in the same transaction: after
      // any crash a record is both delivered and logged, or neither.
      await appendLeaves(trx, id, leaves, delivery.at);
    }
    // The log keeps the latest deliveries only.
    await trx.deleteFrom("delivery").where("id", "<=", id - DELIVERY_LOG).execute();
    return id;
  });
}

/** The latest deliveries (before delivery `before`, when given), newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  limit = 100,
  before?: number,
): Promise<Delivery[]> {
  let query = db.selectFrom("delivery").selectAll();
  if (before !== undefined) query = query.where("id", "<", before);
  return await query.orderBy("id", "desc").limit(Math.max(1, Math.min(limit, MAX_PAGE))).execute();
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
