// Stores each event part compactly: its keys once per shape (part_shape),
// and per event only its values, each in canonical JSON, one per line; the
// full-text index keeps only string fields. Parts move to a rowid table:
// in the table without rowid a part over about 1 KB spilled into a 4 KiB
// overflow page of its own. Converts every stored part and rebuilds the
// index. Frozen: the encoding is written out here, so that a later change
// of store/part_codec.ts needs a migration of its own.
import { type Kysely, sql } from "kysely";
import { canonicalJson } from "../canonical_json.ts";

const BATCH = 2000;
// Above this many parts the conversion reports its progress on stderr.
const REPORT_ABOVE = 20_000;

function words(key: string, value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(`${key} ${value}`);
  else if (Array.isArray(value)) { for (const item of value) words(key, item, into); }
  else if (typeof value === "object" && value !== null) {
    for (const [member, inner] of Object.entries(value)) words(`${key}.${member}`, inner, into);
  }
}

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Shapes belong to a tier, so that deleting optional data takes its key names too.
  await sql`CREATE TABLE part_shape (
    id INTEGER PRIMARY KEY,
    tier TEXT NOT NULL CHECK (tier IN ('required', 'optional')),
    keys TEXT NOT NULL,
    UNIQUE (tier, keys)
  )`.execute(db);
  await sql`CREATE TABLE event_part_compact (
    id INTEGER PRIMARY KEY,
    tier TEXT NOT NULL CHECK (tier IN ('required', 'optional')),
    event_id INTEGER NOT NULL,
    shape_id INTEGER NOT NULL REFERENCES part_shape (id),
    data TEXT NOT NULL
  )`.execute(db);
  for (const tier of ["required", "optional"]) {
    await sql`INSERT INTO ${sql.raw(`event_text_${tier}`)}(${sql.raw(`event_text_${tier}`)})
      VALUES ('delete-all')`.execute(db);
  }
  const total = Number(
    (await sql<{ n: number }>`SELECT count(*) AS n FROM event_part`.execute(db)).rows[0]?.n ?? 0,
  );
  const shapes = new Map<string, number>();
  let done = 0;
  let reported = 0;
  let after = { tier: "", id: 0 };
  while (true) {
    const rows = await sql<{ tier: string; event_id: number; fields: string }>`
      SELECT tier, event_id, fields FROM event_part
      WHERE (tier, event_id) > (${after.tier}, ${after.id})
      ORDER BY tier, event_id LIMIT ${BATCH}`.execute(db);
    for (const row of rows.rows) {
      const fields = JSON.parse(row.fields) as Record<string, unknown>;
      const keys = Object.keys(fields).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const keysText = JSON.stringify(keys);
      let shape = shapes.get(`${row.tier} ${keysText}`);
      if (shape === undefined) {
        await sql`INSERT INTO part_shape (tier, keys) VALUES (${row.tier}, ${keysText})`.execute(
          db,
        );
        shape = Number(
          (await sql<{ id: number }>`SELECT id FROM part_shape
            WHERE tier = ${row.tier} AND keys = ${keysText}`.execute(db)).rows[0]!.id,
        );
        shapes.set(`${row.tier} ${keysText}`, shape);
      }
      const data = keys.map((key) => canonicalJson(fields[key])).join("\n");
      await sql`INSERT INTO event_part_compact (tier, event_id, shape_id, data)
        VALUES (${row.tier}, ${row.event_id}, ${shape}, ${data})`.execute(db);
      const text: string[] = [];
      for (const [key, value] of Object.entries(fields)) words(key, value, text);
      if (text.length > 0) {
        await sql`INSERT INTO ${sql.raw(`event_text_${row.tier}`)}(rowid, text)
          VALUES (${row.event_id}, ${text.join("\n")})`.execute(db);
      }
    }
    done += rows.rows.length;
    if (total > REPORT_ABOVE && done - reported >= total / 10) {
      reported = done;
      console.error(
        `Converting stored events to the compact encoding: ${Math.round(done / total * 100)}%`,
      );
    }
    const last = rows.rows[rows.rows.length - 1];
    if (!last || rows.rows.length < BATCH) break;
    after = { tier: last.tier, id: last.event_id };
  }
  // The part counts' triggers go with the old table and come back on the new one.
  await sql`DROP TABLE event_part`.execute(db);
  await sql`ALTER TABLE event_part_compact RENAME TO event_part`.execute(db);
  // One index serves both: the parts of an event, and all parts of a tier.
  await sql`CREATE UNIQUE INDEX event_part_event ON event_part (event_id, tier)`.execute(db);
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
export function down(_db: Kysely<any>): Promise<void> {
  // Going back would need every part rewritten as JSON; restore a backup instead.
  return Promise.reject(
    new Error("The compact encoding of stored events cannot be undone in place"),
  );
}
