/**
 * Installation facts and local preferences.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** Reads a meta value. */
export async function getMeta(
  db: Kysely<Database>,
  key: string,
): Promise<string | undefined> {
  const row = await db.selectFrom("meta").select("value").where("key", "=", key)
    .executeTakeFirst();
  return row?.value;
}

/** Writes a meta value. */
export async function setMeta(
  db: Kysely<Database>,
  key: string,
  value: string,
): Promise<void> {
  await db.insertInto("meta").values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value })).execute();
}

/** Reads every local preference (dotted key to parsed value). */
export async function getPreferences(
  db: Kysely<Database>,
): Promise<Map<string, unknown>> {
  const rows = await db.selectFrom("preference").select(["key", "value"])
    .execute();
  return new Map(rows.map((row) => [row.key, JSON.parse(row.value)]));
}

/** Sets (or with `undefined`, removes) a local preference. */
export async function setPreference(
  db: Kysely<Database>,
  key: string,
  value: unknown,
): Promise<void> {
  if (value === undefined) {
    await db.deleteFrom("preference").where("key", "=", key).execute();
    return;
  }
  const row = { key, value: JSON.stringify(value), updated_at: Date.now() };
  await db.insertInto("preference").values(row)
    .onConflict((oc) => oc.column("key").doUpdateSet(row)).execute();
}
