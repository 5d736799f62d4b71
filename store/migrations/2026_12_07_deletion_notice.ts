// Requests to delete this machine's diagnostic data that the backend has
// not been told of yet: the record of each is queued again whenever sending
// is on, until it is delivered (an outbox emptied while sending was off
// must not lose it).
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE deletion_notice (
    event_id INTEGER PRIMARY KEY,
    requested_at INTEGER NOT NULL
  )`.execute(db);
}
