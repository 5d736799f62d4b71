/**
 * Consent records.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** The purpose under which support-log consent is recorded. */
export const SUPPORT_PURPOSE = "support_logs";

/** A consent decision. */
export interface Consent {
  purpose: string;
  granted: boolean;
  actor: string;
  time: number;
}

/** Records a decision. */
export async function insertConsent(db: Kysely<Database>, consent: Consent): Promise<void> {
  await db.insertInto("consent").values({ ...consent, granted: consent.granted ? 1 : 0 }).execute();
}

/** The latest decision for `purpose`, or undefined when never asked. */
export async function latestConsent(
  db: Kysely<Database>,
  purpose: string,
): Promise<Consent | undefined> {
  const row = await db.selectFrom("consent").selectAll().where("purpose", "=", purpose)
    .orderBy("id", "desc").limit(1).executeTakeFirst();
  return row
    ? { purpose: row.purpose, granted: row.granted === 1, actor: row.actor, time: row.time }
    : undefined;
}
