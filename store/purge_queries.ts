/**
 * Deleting every stored optional part at once: what lowering the level does.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { partProbe } from "./_event_filter.ts";
import { keepEventIdHigh } from "./event_id_high.ts";
import { checkpoint, releaseFreePages } from "./quota_queries.ts";
import type { Database } from "./schema.ts";
import { summariseSentLog } from "./summarise_sent_log.ts";
import { forgetShapes } from "./shape_memo.ts";

/**
 * Deletes every stored optional part and its search index, and returns how
 * many parts were removed. `meta(count)` gives meta rows written in the
 * same transaction, so that what the deletion means is stored with it.
 */
export async function deleteOptionalData(
  db: Kysely<Database>,
  meta: (deleted: number) => Record<string, string> = () => ({}),
): Promise<number> {
  const deleted = await db.transaction().execute(async (trx) => {
    await keepEventIdHigh(trx);
    const result = await trx.deleteFrom("event_part")
      .where("tier", "=", "optional").executeTakeFirst();
    await sql`INSERT INTO event_text_optional(event_text_optional) VALUES ('delete-all')`
      .execute(trx);
    // An event whose data was all optional leaves nothing behind, not even
    // the record that it happened.
    await trx.deleteFrom("event").where(sql<boolean>`NOT EXISTS (${partProbe(["required"])})`)
      .execute();
    await summariseSentLog(trx);
    // The key names of optional parts go too.
    await trx.deleteFrom("part_shape").where("tier", "=", "optional").execute();
    const count = Number(result.numDeletedRows);
    for (const [key, value] of Object.entries(meta(count))) {
      await trx.insertInto("meta").values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value })).execute();
    }
    return count;
  });
  forgetShapes(db);
  // Give the freed (zeroed) pages back to the disk and move them out of
  // the write-ahead log; an export reading meanwhile delays the last part
  // to a later checkpoint (the agent's storage task), never the agent.
  await releaseFreePages(db);
  await checkpoint(db);
  return deleted;
}
