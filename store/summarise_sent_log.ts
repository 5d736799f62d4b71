/**
 * The log of what left stays bounded with the store: a leaf lives as long
 * as the event it stands for. Once every event of a block of 2^8 leaves is
 * gone (by age, the size cap, a lowered level or a person's deletion), the
 * block's leaves and its inner nodes are dropped and its subtree hash
 * stays. The tree, its root and every signed head are unchanged; proofs
 * remain possible for every leaf from the first kept one on, and between
 * heads at least that large. Blocks are summarised in order, so what is
 * kept is always one range: from `retainedFrom` to the end.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";
import { treeSize } from "./sent_log_queries.ts";

/** Leaves are summarised a block of 2^SUMMARY_LEVEL at a time, into the block's subtree hash. */
export const SUMMARY_LEVEL = 8;
const SPAN = 2 ** SUMMARY_LEVEL;

/** Meta key of the summary. */
const SUMMARY = "sent_log_summary";

/** What was summarised. */
export interface LogSummary {
  /** The first leaf kept: leaves before it are summarised (a multiple of 2^SUMMARY_LEVEL). */
  retainedFrom: number;
  /** Every summarised leaf stood for an event with a smaller id than this (0: none summarised). */
  eventsBelow: number;
  /** When leaves were last summarised (epoch ms), or null. */
  summarisedAt: number | null;
}

/** The summary kept in `db`. */
export async function logSummary(db: Kysely<Database>): Promise<LogSummary> {
  const row = await db.selectFrom("meta").select("value").where("key", "=", SUMMARY)
    .executeTakeFirst();
  return row ? JSON.parse(row.value) : { retainedFrom: 0, eventsBelow: 0, summarisedAt: null };
}

/**
 * Summarises the blocks of leaves whose events are all gone, in `trx` (the
 * transaction that deleted them), and forgets the signed heads of trees
 * smaller than what is kept (no proof can start from them any more), the
 * latest excepted. Returns how many leaves were summarised.
 */
export async function summariseSentLog(trx: Kysely<Database>): Promise<number> {
  const summary = await logSummary(trx);
  const size = await treeSize(trx);
  const oldest = await trx.selectFrom("event").select(sql<number | null>`min(id)`.as("id"))
    .executeTakeFirst();
  // No event left: every leaf's event is gone.
  const firstKeptEvent = oldest?.id ?? Number.MAX_SAFE_INTEGER;
  let from = summary.retainedFrom;
  let eventsBelow = summary.eventsBelow;
  // The block holding the newest leaf stays whole: the tree's size is read from it.
  while (from + SPAN < size) {
    const block = await trx.selectFrom("sent_log_leaf")
      .select(sql<number>`max(event_id)`.as("last"))
      .where("idx", ">=", from).where("idx", "<", from + SPAN).executeTakeFirstOrThrow();
    if (Number(block.last) >= firstKeptEvent) break;
    eventsBelow = Math.max(eventsBelow, Number(block.last) + 1);
    from += SPAN;
  }
  if (from === summary.retainedFrom) return 0;
  await trx.deleteFrom("sent_log_leaf").where("idx", ">=", summary.retainedFrom)
    .where("idx", "<", from).execute();
  for (let level = 1; level < SUMMARY_LEVEL; level++) {
    await trx.deleteFrom("sent_log_node").where("level", "=", level)
      .where("idx", ">=", summary.retainedFrom / 2 ** level).where("idx", "<", from / 2 ** level)
      .execute();
  }
  await trx.deleteFrom("sent_log_head").where("tree_size", "<", from)
    .where("tree_size", "<", sql<number>`(SELECT max(tree_size) FROM sent_log_head)`).execute();
  const next: LogSummary = { retainedFrom: from, eventsBelow, summarisedAt: Date.now() };
  await trx.insertInto("meta").values({ key: SUMMARY, value: JSON.stringify(next) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(next) })).execute();
  return from - summary.retainedFrom;
}
