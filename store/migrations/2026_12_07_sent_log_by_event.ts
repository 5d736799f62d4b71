// A record delivered twice is found by its event (already indexed), not
// by a unique index over every leaf hash: that index cost some 40 bytes a
// record, and its random order kept pages alive after old leaves were
// summarised. The leaf table is rebuilt without it.
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE sent_log_leaf_next (
    idx INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL,
    leaf_hash BLOB NOT NULL,
    delivery_id INTEGER NOT NULL,
    sent_at INTEGER NOT NULL
  )`.execute(db);
  await sql`INSERT INTO sent_log_leaf_next (idx, event_id, leaf_hash, delivery_id, sent_at)
    SELECT idx, event_id, leaf_hash, delivery_id, sent_at FROM sent_log_leaf`.execute(db);
  await sql`DROP TABLE sent_log_leaf`.execute(db);
  await sql`ALTER TABLE sent_log_leaf_next RENAME TO sent_log_leaf`.execute(db);
  await sql`CREATE INDEX sent_log_leaf_event ON sent_log_leaf (event_id)`.execute(db);
}
