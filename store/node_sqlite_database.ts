/**
 * Adapts `node:sqlite` to the database interface Kysely's SqliteDialect
 * expects.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { Kysely, sql, type SqliteDatabase, SqliteDialect, type SqliteStatement } from "kysely";
import { StoreError } from "./store_error.ts";
import type { Database } from "./schema.ts";

function toInput(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  // node:sqlite binds no booleans; SQLite itself stores them as 0 and 1.
  return parameters.map((value) =>
    typeof value === "boolean" ? (value ? 1 : 0) : value as SQLInputValue
  );
}

const ROLLBACK = /^\s*rollback\s*;?\s*$/i;
const PRAGMA = /^\s*pragma\s/i;

/** A statement that does nothing: the ROLLBACK of a transaction SQLite already ended. */
const NOTHING: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  *iterate() {},
};

/** Prepared statements kept for reuse; the agent runs the same few again and again. */
const CACHED_STATEMENTS = 256;

/** Wraps a `DatabaseSync` for `new SqliteDialect({ database })`. */
export function nodeSqliteDatabase(database: DatabaseSync): SqliteDatabase {
  const prepared = new Map<string, SqliteStatement>();
  return {
    close() {
      prepared.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      // When a write fails with a full disk or an I/O error, SQLite rolls the
      // transaction back itself; Kysely's own ROLLBACK would then fail with
      // "no transaction is active" and hide the error that matters.
      if (ROLLBACK.test(sql) && !database.isTransaction) return NOTHING;
      const known = prepared.get(sql);
      if (known) return known;
      if (prepared.size >= CACHED_STATEMENTS) prepared.clear();
      const statement = database.prepare(sql);
      const wrapped: SqliteStatement = {
        // node:sqlite has no `reader` flag; a statement that returns rows
        // has result columns. A pragma is stepped to its end whatever it
        // returns: incremental_vacuum frees one page per step.
        reader: statement.columns().length > 0 || PRAGMA.test(sql),
        all: (parameters) => statement.all(...toInput(parameters)),
        run: (parameters) => statement.run(...toInput(parameters)),
        iterate: (parameters) => statement.iterate(...toInput(parameters)),
      };
      prepared.set(sql, wrapped);
      return wrapped;
    },
  };
}

/**
 * Opens the SQLite file at `path` for Kysely, waiting up to 5 s for a lock
 * another connection holds; `failure` names what could not be done when
 * the file cannot be opened at all.
 */
export async function connect(path: string, failure: string): Promise<Kysely<Database>> {
  let raw: DatabaseSync;
  try {
    raw = new DatabaseSync(path);
  } catch (error) {
    throw new StoreError(`${failure}: ${(error as Error).message}`, { cause: error });
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: nodeSqliteDatabase(raw) }),
  });
  await sql`PRAGMA busy_timeout = 5000`.execute(db);
  return db;
}
