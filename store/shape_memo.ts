/**
 * The ids of common-field sets and part shapes, and shapes by id, read
 * once per database and then remembered: every insert and every read of
 * parts needs them, and asking SQLite each time cost more than the work.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Tier } from "../catalog/types.ts";
import type { Fields } from "../catalog/validate_event.ts";
import { canonicalJson } from "./canonical_json.ts";
import { type Shape, shapeOf } from "./part_codec.ts";
import type { Database } from "./schema.ts";

/** What is remembered per database: ids of common sets and shapes, and shapes by id. */
interface Memo {
  commons: Map<string, number>;
  /** By tier, then by the keys' JSON text (the same string each tick: its hash is kept). */
  shapeIds: Record<Tier, Map<string, number>>;
  shapes: Map<number, Shape>;
}

// Keyed by the database a caller holds (not by a transaction of it), so
// that what one transaction learns the next one uses.
const memos = new WeakMap<Kysely<Database>, Memo>();

/** The memo of `db`. */
export function memoOf(db: Kysely<Database>): Memo {
  let memo = memos.get(db);
  if (!memo) {
    memo = {
      commons: new Map(),
      shapeIds: { required: new Map(), optional: new Map() },
      shapes: new Map(),
    };
    memos.set(db, memo);
  }
  return memo;
}

/** Forgets what was remembered of `db` (its shapes were deleted). */
export function forgetShapes(db: Kysely<Database>): void {
  memos.delete(db);
}

/** Memos hold at most this many entries each; beyond, they start again. */
const MEMO_LIMIT = 4096;

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, value);
  return value;
}

/** The id of the common-field set `common`, stored the first time it is seen. */
export async function commonId(
  db: Kysely<Database>,
  memo: Memo,
  common: Fields,
): Promise<number> {
  const fields = canonicalJson(common);
  const known = memo.commons.get(fields);
  if (known !== undefined) return known;
  await db.insertInto("common_set").values({ fields })
    .onConflict((oc) => oc.column("fields").doNothing()).execute();
  const row = await db.selectFrom("common_set").select("id")
    .where("fields", "=", fields).executeTakeFirstOrThrow();
  return remember(memo.commons, fields, row.id);
}

/** The id of the shape with `keys` in `tier`, stored the first time it is seen. */
export async function shapeId(
  db: Kysely<Database>,
  memo: Memo,
  tier: Tier,
  keys: string,
): Promise<number> {
  const known = memo.shapeIds[tier].get(keys);
  if (known !== undefined) return known;
  await db.insertInto("part_shape").values({ tier, keys })
    .onConflict((oc) => oc.columns(["tier", "keys"]).doNothing()).execute();
  const row = await db.selectFrom("part_shape").select("id")
    .where("tier", "=", tier).where("keys", "=", keys).executeTakeFirstOrThrow();
  return remember(memo.shapeIds[tier], keys, row.id);
}

/** The shapes of `ids`, read once and then remembered. */
export async function shapesFor(
  db: Kysely<Database>,
  ids: Iterable<number>,
): Promise<Map<number, Shape>> {
  const memo = memoOf(db);
  const missing = [...new Set(ids)].filter((id) => !memo.shapes.has(id));
  if (missing.length > 0) {
    const rows = await db.selectFrom("part_shape").select(["id", "keys"])
      .where("id", "in", missing).execute();
    for (const row of rows) remember(memo.shapes, row.id, shapeOf(row.keys));
  }
  return memo.shapes;
}
