/**
 * Opens (and migrates) the vitrine database.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { Migrator } from "kysely/migration";
import { keepPrivate, PRIVATE_MODE } from "../files/private_file.ts";
import { connect } from "./node_sqlite_database.ts";
import { CodeMigrationProvider } from "./migration_provider.ts";
import type { Database } from "./schema.ts";
import { isDamage, StoreError } from "./store_error.ts";
import { QUICK_CHECK_SQL, quickCheckProblems } from "./_quick_check.ts";

/** An open database. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Makes the database and its WAL and shared-memory files readable by their
 * owner only. SQLite would create them with the process umask (often 0644,
 * whatever the directory's mode); it gives the WAL and shared-memory files
 * the database file's mode, so creating that one 0600 first is enough for
 * new files, and existing ones are tightened.
 */
async function keepDatabasePrivate(path: string): Promise<void> {
  try {
    await Deno.lstat(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const file = await Deno.open(path, { createNew: true, write: true, mode: PRIVATE_MODE });
    file.close();
  }
  await keepPrivate([path, `${path}-wal`, `${path}-shm`]);
}

/**
 * What SQLite's quick check finds wrong with the database (empty when
 * nothing): every page and index is read, at some 180 MB a second here.
 */
export async function checkIntegrity(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{ quick_check: string }>`${sql.raw(QUICK_CHECK_SQL)}`.execute(db);
  return quickCheckProblems(rows.rows.map((row) => String(row.quick_check)));
}

/**
 * Whether a migration of `provider` has not run on `db` yet. Checked first
 * because running the migrator even with nothing to do costs a start 2 MB.
 */
async function migrationsPending(
  db: Kysely<Database>,
  provider: CodeMigrationProvider,
): Promise<boolean> {
  const known = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master
    WHERE type = 'table' AND name = 'kysely_migration'`.execute(db);
  if (Number(known.rows[0]?.n) === 0) return true;
  const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
  const done = new Set(applied.rows.map((row) => row.name));
  return Object.keys(await provider.getMigrations()).some((name) => !done.has(name));
}

/**
 * Opens the database at `path`, creating and migrating it as needed.
 *
 * A file that is not a usable SQLite database raises a {@linkcode StoreError}
 * and is left untouched.
 */
export async function openStore(path: string): Promise<Store> {
  await keepDatabasePrivate(path).catch(() => {});
  const db = await connect(
    path,
    `Cannot open the database "${path}" (check that the data directory exists and is writable)`,
  );
  try {
    // Free pages go back to the disk (incremental vacuum). SQLite takes this
    // only before the first table, and before the WAL mode writes the file's
    // first page; on an older database it changes nothing (it is rebuilt
    // once instead, by the agent: rebuild_for_free_pages.ts).
    await sql`PRAGMA auto_vacuum = INCREMENTAL`.execute(db);
    await sql`PRAGMA journal_mode = WAL`.execute(db);
    // Keep the write-ahead log near 1 MiB: checkpoint every 256 pages and
    // cut the file back after each checkpoint, so disk use is the data's.
    await sql`PRAGMA wal_autocheckpoint = 256`.execute(db);
    await sql`PRAGMA journal_size_limit = 1048576`.execute(db);
    await sql`PRAGMA synchronous = NORMAL`.execute(db);
    await sql`PRAGMA foreign_keys = ON`.execute(db);
    // Deleted rows are overwritten with zeros, so optional data that the
    // policy removes does not linger in free pages of the file.
    await sql`PRAGMA secure_delete = ON`.execute(db);
    const provider = new CodeMigrationProvider();
    if (await migrationsPending(db, provider)) {
      const { error } = await new Migrator({ db, provider }).migrateToLatest();
      if (error) throw error;
    }
  } catch (error) {
    await db.destroy().catch(() => {});
    const message = (error as Error).message ?? String(error);
    if (isDamage(error)) {
      throw new StoreError(
        `The database "${path}" is damaged or is not a vitrine database (${message}). vitrine leaves it untouched: move it aside (for example to "${path}.damaged") and start again to create a new one.`,
        { cause: error },
      );
    }
    throw new StoreError(
      `Cannot prepare the database "${path}": ${message}`,
      { cause: error },
    );
  }
  return {
    db,
    path,
    async close() {
      // PASSIVE never takes the writer's lock: a command closing while the
      // agent runs must not hold the agent's writes up (TRUNCATE waits for
      // readers holding that lock). The last connection to close empties
      // the log anyway.
      await sql`PRAGMA wal_checkpoint(PASSIVE)`.execute(db).catch(() => {});
      await db.destroy();
    },
  };
}
