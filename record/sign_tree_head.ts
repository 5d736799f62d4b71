/**
 * Signing the log of what left as it stands: its size, its root and the
 * time, as RFC 9162's TreeHeadDataV2, with the machine's Ed25519 key. The
 * signed head is kept (a consistency proof names two of them) and goes
 * out in the next heartbeat.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { LogKey } from "../identity/log_key.ts";
import { treeHeadData } from "../store/merkle_tree.ts";
import type { Database } from "../store/schema.ts";
import { keepSignedHead, rootHash, type SignedHead, treeSize } from "../store/sent_log_queries.ts";

/** Signs the log's head now and keeps it. */
export async function signTreeHead(
  db: Kysely<Database>,
  key: LogKey,
  now = Date.now(),
): Promise<SignedHead> {
  const size = await treeSize(db);
  const head = { treeSize: size, rootHash: await rootHash(db, size), timestamp: now };
  const signed = { ...head, signature: await key.sign(treeHeadData(head)) };
  await keepSignedHead(db, signed);
  return signed;
}
