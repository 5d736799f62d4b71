/**
 * The log of what left this machine, as an RFC 9162 Merkle tree kept in
 * the database: leaves appended in the transaction that marks their
 * records delivered, the hashes of complete subtrees stored as they
 * complete, tree heads of any size, inclusion and consistency proofs, and
 * the signed tree heads.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import {
  consistencyPath,
  emptyRoot,
  type Hash,
  inclusionPath,
  leafHash,
  nodeHash,
  type SubtreeHash,
  toHex,
  type TreeHead,
} from "./merkle_tree.ts";
import type { Database } from "./schema.ts";

/** A record to add: its event and its leaf data (the canonical form a backend recomputes). */
export interface NewLeaf {
  eventId: number;
  data: Uint8Array;
}

/**
 * Adds the leaves of a delivered batch (in `db`, the delivery's transaction):
 * a record already in the log (delivered twice) is not added again.
 * Returns how many were added. Hashes are computed here; rows go in with
 * one statement per table, whatever the batch's size.
 */
export async function appendLeaves(
  db: Kysely<Database>,
  deliveryId: number,
  leaves: readonly NewLeaf[],
  at: number,
): Promise<number> {
  if (leaves.length === 0) return 0;
  const hashed = leaves.map((leaf) => {
    const hash = leafHash(leaf.data);
    return { eventId: leaf.eventId, hash, key: `${leaf.eventId}:${toHex(hash)}` };
  });
  const known = await knownLeaves(db, leaves.map((leaf) => leaf.eventId));
  let size = await treeSize(db);
  // The roots of the complete subtrees along the right edge, largest first:
  // each new leaf folds into them, and every subtree it completes is kept.
  const frontier = await frontierOf(db, size);
  const leafRows: [number, number, string][] = [];
  const nodeRows: [number, number, string][] = [];
  for (const leaf of hashed) {
    if (known.has(leaf.key)) continue;
    known.add(leaf.key);
    leafRows.push([size, leaf.eventId, toHex(leaf.hash)]);
    let hash = leaf.hash;
    let level = 0;
    for (let index = size; index % 2 === 1; index = Math.floor(index / 2)) {
      hash = nodeHash(frontier.pop()!, hash);
      level++;
      nodeRows.push([level, Math.floor(index / 2), toHex(hash)]);
    }
    frontier.push(hash);
    size++;
  }
  if (leafRows.length > 0) {
    await sql`INSERT INTO sent_log_leaf (idx, event_id, leaf_hash, delivery_id, sent_at)
      SELECT value ->> 0, value ->> 1, unhex(value ->> 2), ${deliveryId}, ${at}
      FROM json_each(${JSON.stringify(leafRows)})`.execute(db);
  }
  if (nodeRows.length > 0) {
    await sql`INSERT INTO sent_log_node (level, idx, hash)
      SELECT value ->> 0, value ->> 1, unhex(value ->> 2) FROM json_each(${
      JSON.stringify(nodeRows)
    })`
      .execute(db);
  }
  return leafRows.length;
}

/**
 * The leaves the log holds for `eventIds`, as "event:hash" (hex): a record
 * is the same leaf only when its event and its form are (an event's form
 * holds its id, so no two events share a leaf).
 */
async function knownLeaves(
  db: Kysely<Database>,
  eventIds: readonly number[],
): Promise<Set<string>> {
  const rows = await sql<{ key: string }>`SELECT event_id || ':' || lower(hex(leaf_hash)) AS key
    FROM sent_log_leaf WHERE event_id IN (SELECT value FROM json_each(${
    JSON.stringify([...new Set(eventIds)])
  }))`.execute(db);
  return new Set(rows.rows.map((row) => row.key));
}

/** The roots of the complete subtrees that make up a tree of `size` leaves, largest first. */
async function frontierOf(db: Kysely<Database>, size: number): Promise<Hash[]> {
  const roots: Hash[] = [];
  let offset = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    const span = 2 ** level;
    if ((size & span) === 0) continue;
    roots.push(await nodeAt(db, level, offset / span));
    offset += span;
  }
  return roots;
}

/** The hash of the complete subtree `idx` at `level` (level 0: a leaf). */
async function nodeAt(db: Kysely<Database>, level: number, idx: number): Promise<Hash> {
  const row = level === 0
    ? await db.selectFrom("sent_log_leaf").select("leaf_hash as hash").where("idx", "=", idx)
      .executeTakeFirst()
    : await db.selectFrom("sent_log_node").select("hash").where("level", "=", level)
      .where("idx", "=", idx).executeTakeFirst();
  if (!row) throw new Error(`The log of what left has no node ${idx} at level ${level}`);
  return new Uint8Array(row.hash);
}

/** How many leaves the log holds. */
export async function treeSize(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("sent_log_leaf").select(sql<number | null>`max(idx)`.as("last"))
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** MTH of leaves [start, end), from stored complete subtrees wherever the range is one. */
export function subtreeHashes(db: Kysely<Database>): SubtreeHash {
  const mth = async (start: number, end: number): Promise<Hash> => {
    const n = end - start;
    if (n === 0) return emptyRoot();
    // A complete, aligned subtree is stored.
    if ((n & (n - 1)) === 0 && start % n === 0) return await nodeAt(db, Math.log2(n), start / n);
    let k = 1;
    while (k * 2 < n) k *= 2;
    return nodeHash(await mth(start, start + k), await mth(start + k, end));
  };
  return mth;
}

/** The root of the tree of the first `size` leaves (the whole log by default). */
export async function rootHash(db: Kysely<Database>, size?: number): Promise<Hash> {
  const n = size ?? await treeSize(db);
  return await subtreeHashes(db)(0, n);
}

/** The leaves of event `eventId` (one per distinct form it left in). */
export async function leavesOfEvent(
  db: Kysely<Database>,
  eventId: number,
): Promise<{ idx: number; hash: Hash; sentAt: number }[]> {
  const rows = await db.selectFrom("sent_log_leaf").select(["idx", "leaf_hash", "sent_at"])
    .where("event_id", "=", eventId).orderBy("idx").execute();
  return rows.map((r) => ({ idx: r.idx, hash: new Uint8Array(r.leaf_hash), sentAt: r.sent_at }));
}

/** Every leaf: its event and hash (for comparing with what a backend holds). */
export async function allLeaves(
  db: Kysely<Database>,
): Promise<{ idx: number; eventId: number; hash: Hash }[]> {
  const rows = await db.selectFrom("sent_log_leaf").select(["idx", "event_id", "leaf_hash"])
    .orderBy("idx").execute();
  return rows.map((r) => ({ idx: r.idx, eventId: r.event_id, hash: new Uint8Array(r.leaf_hash) }));
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(db: Kysely<Database>, index: number, size: number): Promise<Hash[]> {
  return inclusionPath(index, 0, size, subtreeHashes(db));
}

/** The consistency proof from the tree of `first` leaves to the tree of `second`. */
export function consistencyProof(
  db: Kysely<Database>,
  first: number,
  second: number,
): Promise<Hash[]> {
  return consistencyPath(first, second, subtreeHashes(db));
}

/** A signed tree head as stored. */
export interface SignedHead extends TreeHead {
  signature: Uint8Array;
}

/** Keeps a signed tree head (one per size: a later signature of the same size replaces it). */
export async function keepSignedHead(db: Kysely<Database>, head: SignedHead): Promise<void> {
  await db.insertInto("sent_log_head").values({
    tree_size: head.treeSize,
    root_hash: head.rootHash,
    timestamp: head.timestamp,
    signature: head.signature,
  }).onConflict((oc) =>
    oc.column("tree_size").doUpdateSet({ timestamp: head.timestamp, signature: head.signature })
  ).execute();
}

/** The signed tree head of `size` leaves, or the latest one. */
export async function signedHead(
  db: Kysely<Database>,
  size?: number,
): Promise<SignedHead | null> {
  let query = db.selectFrom("sent_log_head").selectAll();
  query = size === undefined
    ? query.orderBy("tree_size", "desc").limit(1)
    : query.where("tree_size", "=", size);
  const row = await query.executeTakeFirst();
  return row
    ? {
      treeSize: row.tree_size,
      rootHash: new Uint8Array(row.root_hash),
      timestamp: row.timestamp,
      signature: new Uint8Array(row.signature),
    }
    : null;
}
