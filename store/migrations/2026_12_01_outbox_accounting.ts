// The outbox keeps its own count per tier (kept by triggers), so that its
// bound can be held at every insert without counting it; every part ever
// queued and every part delivered is counted, and every part that leaves it
// unsent is counted by why: the bound, a policy that no longer lets it
// leave, its data deleted (retention, size limit, a lowered level), or the
// receiver refusing it for good. So that queued = delivered + waiting +
// lost always holds. Counts of drops kept before in meta are carried over.
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE outbox_count (
    tier TEXT PRIMARY KEY CHECK (tier IN ('required', 'optional')),
    n INTEGER NOT NULL
  ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO outbox_count (tier, n) VALUES ('required', 0), ('optional', 0)`.execute(db);
  await sql`UPDATE outbox_count SET n = (SELECT count(*) FROM outbox WHERE outbox.tier = outbox_count.tier)`
    .execute(db);
  await sql`CREATE TABLE outbox_flow (
    kind TEXT PRIMARY KEY CHECK (kind IN ('queued', 'delivered')),
    n INTEGER NOT NULL
  ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO outbox_flow (kind, n) VALUES ('queued', 0), ('delivered', 0)`.execute(db);
  await sql`CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox BEGIN
    UPDATE outbox_count SET n = n + 1 WHERE tier = NEW.tier;
    UPDATE outbox_flow SET n = n + 1 WHERE kind = 'queued';
  END`.execute(db);
  await sql`CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox BEGIN
    UPDATE outbox_count SET n = n - 1 WHERE tier = OLD.tier;
  END`.execute(db);
  await sql`CREATE TABLE outbox_loss (
    reason TEXT NOT NULL CHECK (reason IN ('bound', 'withdrawn', 'with_data', 'refused')),
    tier TEXT NOT NULL CHECK (tier IN ('required', 'optional')),
    n INTEGER NOT NULL,
    PRIMARY KEY (reason, tier)
  ) WITHOUT ROWID`.execute(db);
  for (const tier of ["required", "optional"]) {
    await sql`INSERT INTO outbox_loss (reason, tier, n)
      SELECT 'bound', ${tier}, coalesce(json_extract(value, ${`$.dropped.${tier}`}), 0)
      FROM meta WHERE key = 'uplink_stats'
        AND coalesce(json_extract(value, ${`$.dropped.${tier}`}), 0) > 0`.execute(db);
  }
  // Dead letters were counted without their tier: kept as required.
  await sql`INSERT INTO outbox_loss (reason, tier, n)
    SELECT 'refused', 'required', json_extract(value, '$.deadLettered')
    FROM meta WHERE key = 'uplink_stats'
      AND coalesce(json_extract(value, '$.deadLettered'), 0) > 0`.execute(db);
  // From here on queued = delivered + waiting + lost.
  await sql`UPDATE outbox_flow SET n =
    (SELECT count(*) FROM outbox) + (SELECT coalesce(sum(n), 0) FROM outbox_loss)
    WHERE kind = 'queued'`.execute(db);
  // Parts deleted with their data are counted as they leave the outbox.
  await sql`DROP TRIGGER IF EXISTS outbox_part_delete`.execute(db);
  await sql`CREATE TRIGGER outbox_part_delete AFTER DELETE ON event_part BEGIN
    INSERT INTO outbox_loss (reason, tier, n)
      SELECT 'with_data', OLD.tier, 1
      WHERE EXISTS (SELECT 1 FROM outbox WHERE event_id = OLD.event_id AND tier = OLD.tier)
      ON CONFLICT (reason, tier) DO UPDATE SET n = n + 1;
    DELETE FROM outbox WHERE event_id = OLD.event_id AND tier = OLD.tier;
    DELETE FROM sent_part WHERE event_id = OLD.event_id AND tier = OLD.tier;
  END`.execute(db);
}
