/**
 * A read snapshot of the database on a connection of its own: everything
 * read through it is the database as it was at one instant, whatever is
 * written meanwhile. In WAL mode a reader never blocks the writer.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { connect } from "./node_sqlite_database.ts";
import type { Database } from "./schema.ts";
import { StoreError } from "./store_error.ts";

/** An open snapshot; close it (or `await using` it) to let the WAL be checkpointed again. */
export interface Snapshot {
  readonly db: Kysely<Database>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Opens a snapshot of the database at `path` (which must exist and be
 * migrated): a read transaction, begun and pinned by a first read before
 * this returns.
 */
export async function openSnapshot(path: string): Promise<Snapshot> {
  const db = await connect(path, `Cannot open the database "${path}" for reading`);
  try {
    // Nothing is ever written through a snapshot.
    await sql`PRAGMA query_only = ON`.execute(db);
    await sql`BEGIN`.execute(db);
    // A WAL read transaction takes its snapshot at its first read.
    await sql`SELECT count(*) FROM meta`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new StoreError(
      `Cannot take a snapshot of the database "${path}": ${(error as Error).message}`,
      { cause: error },
    );
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sql`COMMIT`.execute(db).catch(() => {});
    await db.destroy();
  };
  return { db, close, [Symbol.asyncDispose]: close };
}
