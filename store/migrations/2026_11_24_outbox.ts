// The sending half: the outbox of event parts waiting to leave, the log of
// deliveries, and which parts went in which delivery. Triggers keep the
// outbox and the sent log in step with deletions of parts and events, so
// that nothing deleted (a lowered level, retention, eviction) can leave.
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE outbox (
    event_id INTEGER NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('required', 'optional')),
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, tier)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX outbox_tier ON outbox (tier, event_id)`.execute(db);
  await sql`CREATE TABLE delivery (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    endpoint TEXT NOT NULL,
    records INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    error TEXT
  )`.execute(db);
  await sql`CREATE TABLE sent_part (
    event_id INTEGER NOT NULL,
    tier TEXT NOT NULL,
    delivery_id INTEGER NOT NULL,
    PRIMARY KEY (event_id, tier)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TRIGGER outbox_part_delete AFTER DELETE ON event_part BEGIN
    DELETE FROM outbox WHERE event_id = OLD.event_id AND tier = OLD.tier;
    DELETE FROM sent_part WHERE event_id = OLD.event_id AND tier = OLD.tier;
  END`.execute(db);
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS outbox_part_delete`.execute(db);
  for (const table of ["sent_part", "delivery", "outbox"]) {
    await sql`DROP TABLE IF EXISTS ${sql.raw(table)}`.execute(db);
  }
}
