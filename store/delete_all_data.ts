/**
 * Deleting every stored event of this machine at a person's request, and
 * the notice of it that waits for the backend. Callers run
 * {@linkcode deleteAllData} in the transaction that also stores the record
 * of the deletion, so that after any crash it is either done or not begun.
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { type Tier, TIERS } from "../catalog/types.ts";
import { keepEventIdHigh } from "./event_id_high.ts";
import type { Database, SampleState } from "./schema.ts";
import { forgetShapes } from "./shape_memo.ts";
import { summariseSentLog } from "./summarise_sent_log.ts";

/** What a deletion took away. */
export interface DeletedData {
  /** Stored parts, by tier. */
  parts: Record<Tier, number>;
  /** Parts that waited in the outbox, by tier (withdrawn: they will never be sent). */
  withdrawn: Record<Tier, number>;
  /** Samples held or waiting (their records and copies). */
  samples: number;
  /** When the oldest and newest deleted event happened (epoch ms), or null with none. */
  from: number | null;
  to: number | null;
  /** Private sample copies to remove from the disk once the transaction is committed. */
  copies: string[];
}

/** Sample states whose data never left: deleted with everything else. A submitted sample stays (it left; the Sent page tells it). */
const NOT_LEFT: readonly SampleState[] = [
  "queued",
  "held",
  "approved",
  "kept",
  "declined",
  "expired",
  "withdrawn",
  "dropped",
  "failed",
];

/** Meta key: the time of the latest deletion (an export that began earlier stops). */
const DELETED_AT = "data_deleted_at";
/** Meta key: files a committed deletion still has to remove (a crash in between finishes it at the next start). */
const PENDING_FILES = "deletion_pending_files";

async function countBy(
  trx: Transaction<Database>,
  table: "event_part" | "outbox",
): Promise<Record<Tier, number>> {
  const rows = await trx.selectFrom(table).select(["tier", sql<number>`count(*)`.as("n")])
    .groupBy("tier").execute();
  const counts: Record<Tier, number> = { required: 0, optional: 0 };
  for (const row of rows) counts[row.tier] = Number(row.n);
  return counts;
}

/**
 * Deletes, in `trx`, every stored event with its search index, key names
 * and common fields, what waits in the outbox (counted as lost with its
 * data), held and waiting samples, and earlier notices (the record made
 * next covers them). `memoOwner` is the database whose remembered ids must
 * be forgotten; `files`, files outside the database to remove with the
 * sample copies once this is committed (noted in the same transaction).
 * Returns what went; the caller stores the record of it.
 */
export async function deleteAllData(
  trx: Transaction<Database>,
  memoOwner: Kysely<Database>,
  requestedAt: number,
  files: readonly string[],
  progress: () => void = () => {},
): Promise<DeletedData> {
  await keepEventIdHigh(trx);
  const parts = await countBy(trx, "event_part");
  const withdrawn = await countBy(trx, "outbox");
  const range = await trx.selectFrom("event")
    .select([sql<number | null>`min(time)`.as("from"), sql<number | null>`max(time)`.as("to")])
    .executeTakeFirst();
  const samples = await trx.selectFrom("sample").select(["id", "copy", "state"]).execute();
  // Taken off the outbox first, counted as lost with their data, so the
  // outbox's accounts still add up; then everything else in bulk.
  for (const tier of TIERS) {
    if (withdrawn[tier] === 0) continue;
    await trx.insertInto("outbox_loss").values({ reason: "with_data", tier, n: withdrawn[tier] })
      .onConflict((oc) =>
        oc.columns(["reason", "tier"]).doUpdateSet({ n: sql`n + ${withdrawn[tier]}` })
      )
      .execute();
  }
  await trx.deleteFrom("outbox").execute();
  await trx.deleteFrom("sent_part").execute();
  // The per-row triggers on parts keep counts of what this empties whole:
  // set aside for the deletion (in its transaction) and put back as they
  // were, so that SQLite clears the tables at once rather than row by row.
  const triggers = await sql<{ name: string; sql: string }>`
    SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('event_part', 'event')`
    .execute(trx);
  for (const trigger of triggers.rows) {
    await sql`DROP TRIGGER ${sql.id(trigger.name)}`.execute(trx);
  }
  for (const tier of TIERS) {
    await sql`INSERT INTO ${sql.table(`event_text_${tier}`)}(${
      sql.table(`event_text_${tier}`)
    }) VALUES ('delete-all')`
      .execute(trx);
  }
  await deleteEventsInSteps(trx, progress);
  // What stood for them in the log of what left is summarised with them.
  await summariseSentLog(trx);
  for (const trigger of triggers.rows) await sql.raw(trigger.sql).execute(trx);
  await trx.updateTable("part_count").set({ count: 0 }).execute();
  await trx.deleteFrom("part_shape").execute();
  await trx.deleteFrom("common_set").execute();
  await trx.deleteFrom("deletion_notice").execute();
  await trx.deleteFrom("sample").where("state", "in", NOT_LEFT).execute();
  await trx.updateTable("sample").set({ copy: null, path: null }).execute();
  const copies = samples.flatMap((s) => s.copy ? [s.copy] : []);
  await setMetaIn(trx, DELETED_AT, String(requestedAt));
  await setMetaIn(trx, PENDING_FILES, JSON.stringify([...copies, ...files]));
  // The ids remembered for this database name rows that are gone.
  forgetShapes(memoOwner);
  return {
    parts,
    withdrawn,
    samples: samples.filter((s) => NOT_LEFT.includes(s.state)).length,
    from: range?.from ?? null,
    to: range?.to ?? null,
    copies,
  };
}

/** Events deleted per statement: the agent's thread is free between them (for its liveness pings). */
const STEP_EVENTS = 20_000;

/** Deletes every event and its parts, a range of ids at a time; `progress` after each. */
async function deleteEventsInSteps(
  trx: Transaction<Database>,
  progress: () => void,
): Promise<void> {
  const ids = await trx.selectFrom("event")
    .select([sql<number | null>`min(id)`.as("low"), sql<number | null>`max(id)`.as("high")])
    .executeTakeFirst();
  if (ids?.low === null || ids?.low === undefined || ids.high === null) return;
  for (let from = ids.low; from <= ids.high; from += STEP_EVENTS) {
    const to = from + STEP_EVENTS;
    await trx.deleteFrom("event_part").where("event_id", ">=", from).where("event_id", "<", to)
      .execute();
    await trx.deleteFrom("event").where("id", ">=", from).where("id", "<", to).execute();
    progress();
  }
}

async function setMetaIn(trx: Transaction<Database>, key: string, value: string): Promise<void> {
  await trx.insertInto("meta").values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value })).execute();
}

/** Keeps the record `eventId` of a deletion until the backend has received it (in the deletion's transaction). */
export async function keepDeletionNotice(
  trx: Transaction<Database>,
  eventId: number,
  requestedAt: number,
): Promise<void> {
  await trx.insertInto("deletion_notice").values({ event_id: eventId, requested_at: requestedAt })
    .execute();
}

/**
 * Queues again, for `tiers` the policy lets leave, the records of
 * deletions the backend has not received; forgets those it has. Returns
 * how many wait.
 */
export async function requeueDeletionNotices(db: Kysely<Database>): Promise<number> {
  return await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("deletion_notice")
      .where(
        "event_id",
        "in",
        trx.selectFrom("sent_part").select("event_id").where("tier", "=", "required"),
      )
      .execute();
    await sql`INSERT INTO outbox (event_id, tier, queued_at)
      SELECT n.event_id, 'required', ${Date.now()} FROM deletion_notice n
      WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = n.event_id AND o.tier = 'required')
        AND EXISTS (SELECT 1 FROM event_part p WHERE p.event_id = n.event_id AND p.tier = 'required')`
      .execute(trx);
    const row = await trx.selectFrom("deletion_notice").select(sql<number>`count(*)`.as("n"))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  });
}

/** Deletions whose record the backend has not received yet (and when the first was asked for). */
export async function waitingDeletionNotices(
  db: Kysely<Database>,
): Promise<{ count: number; since: number | null }> {
  const row = await db.selectFrom("deletion_notice")
    .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(requested_at)`.as("since")])
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), since: row?.since ?? null };
}

/** When this machine's data was last deleted at a person's request (epoch ms), or null. */
export async function lastDeletionAt(db: Kysely<Database>): Promise<number | null> {
  const row = await db.selectFrom("meta").select("value").where("key", "=", DELETED_AT)
    .executeTakeFirst();
  return row ? Number(row.value) : null;
}

/** Files a committed deletion has not removed yet. */
export async function pendingDeletionFiles(db: Kysely<Database>): Promise<string[]> {
  const row = await db.selectFrom("meta").select("value").where("key", "=", PENDING_FILES)
    .executeTakeFirst();
  return row ? JSON.parse(row.value) as string[] : [];
}

/** Notes that the pending files are gone. */
export async function clearPendingDeletionFiles(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom("meta").where("key", "=", PENDING_FILES).execute();
}
