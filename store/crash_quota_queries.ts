/**
 * The daily count of crash records queued for sending, which
 * crashUploadDailyLimit bounds.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { getMeta, setMeta } from "./meta_queries.ts";
import type { Database } from "./schema.ts";

const CRASH_SENDS = "crash_sends";

/**
 * Whether one more crash record may be queued today (UTC) under `limit`;
 * counts it when it may.
 */
export async function takeCrashSend(db: Kysely<Database>, limit: number): Promise<boolean> {
  const today = new Date().toISOString().slice(0, 10);
  const stored = await getMeta(db, CRASH_SENDS);
  const sends = stored ? JSON.parse(stored) as { day: string; count: number } : null;
  const count = sends?.day === today ? sends.count : 0;
  if (count >= limit) return false;
  await setMeta(db, CRASH_SENDS, JSON.stringify({ day: today, count: count + 1 }));
  return true;
}
