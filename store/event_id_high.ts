/**
 * An event's id is never given twice, whatever was deleted: a backend, the
 * log of what left and an export's readers know a record by it. SQLite
 * gives a new row the largest id in the table plus one, so once the newest
 * events are gone (retention, the size cap, a lowered level, a person's
 * deletion) it would hand their ids out again. Every deletion of events
 * notes the highest id first; new events are numbered above it.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

/** Meta key: the highest event id given before some events were deleted. */
const HIGH = "event_id_high";

/** Notes the highest event id given so far; call in the deleting transaction, before deleting. */
export async function keepEventIdHigh(trx: Kysely<Database>): Promise<void> {
  await sql`INSERT INTO meta (key, value)
    SELECT ${HIGH}, max(id) FROM event WHERE (SELECT max(id) FROM event) IS NOT NULL
    ON CONFLICT (key) DO UPDATE
      SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`.execute(trx);
}

/** The id the next stored event gets (in the inserting transaction). */
export async function nextEventId(trx: Kysely<Database>): Promise<number> {
  const row = await sql<{ next: number }>`SELECT max(
      coalesce((SELECT max(id) FROM event), 0),
      coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ${HIGH}), 0)
    ) + 1 AS next`.execute(trx);
  return Number(row.rows[0]!.next);
}
