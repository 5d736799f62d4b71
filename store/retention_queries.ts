/**
 * Removal of old events.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { TIERS } from "../catalog/types.ts";
import { keepEventIdHigh } from "./event_id_high.ts";
import type { Database } from "./schema.ts";
import { summariseSentLog } from "./summarise_sent_log.ts";

/** Deletes every event recorded before `cutoff` (epoch ms) with its parts and index entries. */
export async function deleteEventsBefore(db: Kysely<Database>, cutoff: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await keepEventIdHigh(trx);
    const old = trx.selectFrom("event").select("id").where("time", "<", cutoff);
    for (const tier of TIERS) {
      await sql`DELETE FROM ${sql.table(`event_text_${tier}`)} WHERE rowid IN (${old})`.execute(
        trx,
      );
    }
    await trx.deleteFrom("event_part").where("event_id", "in", old).execute();
    await trx.deleteFrom("event").where("time", "<", cutoff).execute();
    await summariseSentLog(trx);
  });
  // Let SQLite refresh its planner statistics when they have drifted.
  await sql`PRAGMA optimize`.execute(db);
}
