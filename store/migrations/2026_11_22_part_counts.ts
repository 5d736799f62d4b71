// Keeps the number of stored parts per event type and tier, maintained by
// triggers, so that counts never scan the (large) event_part table; and
// indexes events by type and time for the charts, and parts by event so
// that asking which tiers an event has never reads its (large) values.
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE part_count (
    type TEXT NOT NULL,
    tier TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (type, tier)
  ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO part_count (type, tier, count)
    SELECT e.type, p.tier, count(*) FROM event_part p JOIN event e ON e.id = p.event_id
    GROUP BY e.type, p.tier`.execute(db);
  await sql`CREATE INDEX event_type_time ON event (type, time)`.execute(db);
  await sql`CREATE INDEX event_part_event ON event_part (event_id, tier)`.execute(db);
  await sql`CREATE TRIGGER part_count_insert AFTER INSERT ON event_part BEGIN
    INSERT INTO part_count (type, tier, count)
      VALUES ((SELECT type FROM event WHERE id = NEW.event_id), NEW.tier, 1)
      ON CONFLICT (type, tier) DO UPDATE SET count = count + 1;
  END`.execute(db);
  await sql`CREATE TRIGGER part_count_delete AFTER DELETE ON event_part BEGIN
    UPDATE part_count SET count = count - 1
      WHERE tier = OLD.tier AND type = (SELECT type FROM event WHERE id = OLD.event_id);
  END`.execute(db);
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS part_count_delete`.execute(db);
  await sql`DROP TRIGGER IF EXISTS part_count_insert`.execute(db);
  await sql`DROP TABLE IF EXISTS part_count`.execute(db);
  await sql`DROP INDEX IF EXISTS event_type_time`.execute(db);
  await sql`DROP INDEX IF EXISTS event_part_event`.execute(db);
}
