// The log of what left: every record of every delivered batch as a leaf
// of an append-only Merkle tree (RFC 9162), the hashes of its complete
// subtrees (so that a tree head or a proof needs no pass over the leaves),
// and the tree heads the agent signed.
// Frozen: later changes go in new migrations.
import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE sent_log_leaf (
    idx INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL,
    leaf_hash BLOB NOT NULL UNIQUE,
    delivery_id INTEGER NOT NULL,
    sent_at INTEGER NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX sent_log_leaf_event ON sent_log_leaf (event_id)`.execute(db);
  await sql`CREATE TABLE sent_log_node (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE sent_log_head (
    tree_size INTEGER PRIMARY KEY,
    root_hash BLOB NOT NULL,
    timestamp INTEGER NOT NULL,
    signature BLOB NOT NULL
  )`.execute(db);
}
