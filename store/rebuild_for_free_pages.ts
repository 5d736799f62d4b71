/**
 * Gives a database made before vitrine released free pages the ability to
 * do so: incremental auto-vacuum can only be switched on for an existing
 * file by rebuilding it, and SQLite's own rebuild (VACUUM, VACUUM INTO)
 * attaches a database, which Deno's node:sqlite refuses to any process
 * without --allow-all — the agent runs with exactly the permissions it
 * needs. So the file is rebuilt here by hand: a new file with auto-vacuum
 * set before its first table, every table's rows copied across, the
 * full-text index made again from the stored parts, then indexes and
 * triggers, and the new file renamed over the old. The old file stays
 * untouched until the rename; a rebuild that cannot finish leaves it as
 * it was.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { statvfs } from "../ffi/statvfs.ts";
import { PRIVATE_MODE } from "../files/private_file.ts";
import { partCanonicalJson, searchText, shapeOf } from "./part_codec.ts";

/** What a look at the database found, and did. */
export type Rebuild =
  | { kind: "not_needed" }
  | { kind: "rebuilt"; tables: number; rows: number; bytesBefore: number; bytesAfter: number }
  | { kind: "postponed"; problem: string };

/** The full-text tables, made again from the parts rather than copied (their shadow tables are defended). */
const SEARCH_TABLES = ["event_text_required", "event_text_optional"] as const;

/** Rows copied per statement batch. */
const BATCH = 1000;

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Whether the table `name` of `db` has a rowid (is not WITHOUT ROWID). */
function hasRowid(db: DatabaseSync, name: string): boolean {
  try {
    db.prepare(`SELECT rowid FROM ${quoted(name)} LIMIT 0`).all();
    return true;
  } catch {
    return false;
  }
}

function copyRows(from: DatabaseSync, to: DatabaseSync, name: string): number {
  const rowid = hasRowid(from, name);
  const select = from.prepare(
    `SELECT ${rowid ? "rowid AS __vitrine_rowid, " : ""}* FROM ${quoted(name)}`,
  );
  let insert: ReturnType<DatabaseSync["prepare"]> | null = null;
  let count = 0;
  for (const row of select.iterate() as Iterable<Record<string, SQLInputValue>>) {
    const columns = Object.keys(row);
    insert ??= to.prepare(
      `INSERT INTO ${quoted(name)} (${
        columns.map((c) => c === "__vitrine_rowid" ? "rowid" : quoted(c)).join(", ")
      }) VALUES (${columns.map(() => "?").join(", ")})`,
    );
    insert.run(...columns.map((c) => row[c]!));
    count++;
    if (count % BATCH === 0) {
      to.exec("COMMIT");
      to.exec("BEGIN");
    }
  }
  return count;
}

/** Makes the search text of every stored part again, as storing does. */
function reindex(to: DatabaseSync): number {
  const shapes = new Map<number, ReturnType<typeof shapeOf>>();
  for (const shape of to.prepare("SELECT id, keys FROM part_shape").iterate()) {
    shapes.set(Number(shape.id), shapeOf(String(shape.keys)));
  }
  const insert = {
    required: to.prepare("INSERT INTO event_text_required(rowid, text) VALUES (?, ?)"),
    optional: to.prepare("INSERT INTO event_text_optional(rowid, text) VALUES (?, ?)"),
  };
  let count = 0;
  for (
    const part of to.prepare("SELECT tier, event_id, shape_id, data FROM event_part").iterate()
  ) {
    const shape = shapes.get(Number(part.shape_id));
    if (!shape) continue;
    const fields = JSON.parse(partCanonicalJson(shape, String(part.data)));
    const text = searchText(fields);
    if (text === "") continue;
    insert[part.tier === "optional" ? "optional" : "required"].run(Number(part.event_id), text);
    count++;
  }
  return count;
}

function schemaOf(db: DatabaseSync): SchemaRow[] {
  return db.prepare(
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid",
  ).all() as unknown as SchemaRow[];
}

/** Why the disk has no room for a second copy of the file, or null. */
function noRoom(path: string, bytes: number): string | null {
  const needed = bytes * 1.1 + 16 * 1024 * 1024;
  const free = statvfs(path.slice(0, path.lastIndexOf("/")) || "/").availableBytes;
  if (free >= needed) return null;
  return `The database "${path}" cannot give free space back to the disk until it is rebuilt once, which needs ${
    Math.ceil(needed / 1048576)
  } MiB free beside it (${
    Math.floor(free / 1048576)
  } MiB are): free some space, and the agent rebuilds it at its next start`;
}

/** Copies the database `from` (locked) into a new file `partial`; the rows copied. */
function copyInto(from: DatabaseSync, partial: string): { tables: number; rows: number } {
  try {
    Deno.removeSync(partial);
  } catch { /* no rebuild was left half done */ }
  Deno.writeFileSync(partial, new Uint8Array(0), { mode: PRIVATE_MODE });
  Deno.chmodSync(partial, PRIVATE_MODE);
  const to = new DatabaseSync(partial);
  try {
    const pageSize = Number(from.prepare("PRAGMA page_size").get()?.page_size);
    // Before the first table: the one moment SQLite takes these.
    to.exec(`PRAGMA page_size = ${pageSize}`);
    to.exec("PRAGMA auto_vacuum = INCREMENTAL");
    to.exec("PRAGMA journal_mode = OFF");
    to.exec("PRAGMA synchronous = OFF");
    to.exec("PRAGMA secure_delete = ON");
    const schema = schemaOf(from);
    const virtual = schema.filter((row) => /^CREATE VIRTUAL TABLE/i.test(row.sql!));
    const shadow = (name: string) => virtual.some((v) => name.startsWith(`${v.name}_`));
    const tables = schema.filter((row) =>
      row.type === "table" && !virtual.includes(row) && !shadow(row.name) &&
      !row.name.startsWith("sqlite_")
    );
    const unknown = virtual.filter((v) => !(SEARCH_TABLES as readonly string[]).includes(v.name));
    if (unknown.length > 0) {
      throw new Error(
        `it has virtual tables vitrine does not know (${unknown.map((v) => v.name)})`,
      );
    }
    to.exec("BEGIN");
    for (const row of [...tables, ...virtual]) to.exec(row.sql!);
    let rows = 0;
    for (const row of tables) rows += copyRows(from, to, row.name);
    if (schema.some((row) => row.name === "sqlite_sequence")) {
      rows += copyRows(from, to, "sqlite_sequence");
    }
    if (virtual.length > 0) rows += reindex(to);
    for (const row of schema) {
      if (row.type === "index" || row.type === "trigger" || row.type === "view") to.exec(row.sql!);
    }
    const version = Number(from.prepare("PRAGMA user_version").get()?.user_version);
    to.exec(`PRAGMA user_version = ${version}`);
    to.exec("COMMIT");
    return { tables: tables.length, rows };
  } finally {
    to.close();
  }
}

/**
 * Rebuilds the database at `path` with incremental auto-vacuum when it has
 * tables but no auto-vacuum. Call it before the database is opened for
 * use, holding the data directory's lock. Postponed (the file untouched,
 * with a problem to show) when the disk has no room for a second copy, or
 * another connection holds the database.
 */
export function rebuildForFreePages(path: string): Rebuild {
  try {
    Deno.lstatSync(path);
  } catch {
    return { kind: "not_needed" };
  }
  const partial = `${path}.rebuild`;
  const from = new DatabaseSync(path);
  let closed = false;
  try {
    const mode = Number(from.prepare("PRAGMA auto_vacuum").get()?.auto_vacuum);
    if (mode !== 0 || schemaOf(from).length === 0) return { kind: "not_needed" };
    from.exec("PRAGMA busy_timeout = 2000");
    // Nothing else may read or write the file while it is copied and replaced.
    from.exec("PRAGMA locking_mode = EXCLUSIVE");
    from.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    from.exec("BEGIN EXCLUSIVE");
    const bytesBefore = Deno.statSync(path).size;
    const problem = noRoom(path, bytesBefore);
    if (problem) return { kind: "postponed", problem };
    const copied = copyInto(from, partial);
    const file = Deno.openSync(partial, { read: true, write: true });
    file.syncSync();
    file.close();
    Deno.renameSync(partial, path);
    from.close();
    closed = true;
    // The old file's log and index belonged to the file the rename replaced.
    for (const extra of [`${path}-wal`, `${path}-shm`]) {
      try {
        Deno.removeSync(extra);
      } catch { /* there was none */ }
    }
    return { kind: "rebuilt", ...copied, bytesBefore, bytesAfter: Deno.statSync(path).size };
  } catch (error) {
    try {
      Deno.removeSync(partial);
    } catch { /* none left */ }
    return {
      kind: "postponed",
      problem: `The database "${path}" could not be rebuilt to give free space back (${
        (error as Error).message
      }); it is left as it was, and the agent tries again at its next start`,
    };
  } finally {
    if (!closed) {
      try {
        from.close();
      } catch { /* closed */ }
    }
  }
}
