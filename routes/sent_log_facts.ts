/**
 * What the Sent page says of the log of what left.
 *
 * @module
 */
import { toHex } from "../store/merkle_tree.ts";
import { treeSize } from "../store/sent_log_queries.ts";
import { logSummary } from "../store/summarise_sent_log.ts";
import type { AppDeps } from "./app_deps.ts";
import type { SentLogFacts } from "./pages/sent_page.tsx";

/** The log's size, its latest and first signed heads, and the signing key. */
export async function sentLogFacts(deps: AppDeps): Promise<SentLogFacts> {
  const db = deps.store.db;
  const latest = await db.selectFrom("sent_log_head").selectAll().orderBy("tree_size", "desc")
    .limit(1).executeTakeFirst();
  const first = await db.selectFrom("sent_log_head").select("tree_size").orderBy("tree_size")
    .limit(1).executeTakeFirst();
  const summary = await logSummary(db);
  return {
    size: await treeSize(db),
    retainedFrom: summary.retainedFrom,
    summarisedAt: summary.summarisedAt,
    publicKey: deps.logKey?.publicKeyHex ?? null,
    latest: latest
      ? {
        size: latest.tree_size,
        root: toHex(new Uint8Array(latest.root_hash)),
        at: latest.timestamp,
      }
      : null,
    firstSize: first?.tree_size ?? null,
  };
}
