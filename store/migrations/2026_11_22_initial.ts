// The first schema. Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("meta")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
  await db.schema.createTable("common_set")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("fields", "text", (c) => c.notNull().unique())
    .execute();
  await db.schema.createTable("event")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("time", "integer", (c) => c.notNull())
    .addColumn(
      "common_id",
      "integer",
      (c) => c.notNull().references("common_set.id"),
    )
    .execute();
  await db.schema.createIndex("event_type_id").on("event").columns([
    "type",
    "id",
  ])
    .execute();
  await db.schema.createIndex("event_time").on("event").column("time")
    .execute();
  await db.schema.createTable("event_part")
    .addColumn(
      "tier",
      "text",
      (c) => c.notNull().check(sql`tier IN ('required', 'optional')`),
    )
    .addColumn("event_id", "integer", (c) => c.notNull())
    .addColumn("fields", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("event_part_pk", ["tier", "event_id"])
    .modifyEnd(sql`WITHOUT ROWID`)
    .execute();
  // Full-text index of field values, one table per tier so the optional
  // one can be emptied in a single command.
  for (const tier of ["required", "optional"]) {
    await sql`CREATE VIRTUAL TABLE ${sql.raw(`event_text_${tier}`)}
      USING fts5(text, content='', contentless_delete=1)`.execute(db);
  }
  await db.schema.createTable("preference")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createTable("consent")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("granted", "integer", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("time", "integer", (c) => c.notNull())
    .execute();
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (
    const table of [
      "consent",
      "preference",
      "event_text_optional",
      "event_text_required",
      "event_part",
      "event",
      "common_set",
      "meta",
    ]
  ) {
    await sql`DROP TABLE IF EXISTS ${sql.raw(table)}`.execute(db);
  }
}
