import { deepEqual, equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { sql } from "kysely";
import { insertEvents } from "../../store/insert_events.ts";
import { openStore } from "../../store/open_store.ts";
import { rebuildForFreePages } from "../../store/rebuild_for_free_pages.ts";
import { tempDir } from "../../testing/temp_dir.ts";

/** What a database holds, table by table, with its search index asked for a word. */
function contents(path: string): Record<string, unknown> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const tables = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'event_text_%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    ).all().map((row) => String(row.name));
    return {
      ...Object.fromEntries(
        tables.map((name) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]),
      ),
      search: db.prepare(
        "SELECT rowid FROM event_text_optional WHERE event_text_optional MATCH 'lantern' ORDER BY rowid",
      ).all(),
      integrity: db.prepare("PRAGMA integrity_check").all(),
    };
  } finally {
    db.close();
  }
}

Deno.test("a database without auto-vacuum is rebuilt with every row, its search index, indexes and triggers", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/vitrine.db`;
  const store = await openStore(path);
  await insertEvents(
    store.db,
    Array.from({ length: 300 }, (_, i) => ({
      type: "install",
      time: 1_800_000_000_000 + i,
      common: { platform: "linux" },
      parts: {
        required: { text: `event ${i}` },
        optional: { note: i % 7 === 0 ? "a lantern in the window" : "nothing" },
      },
      queue: ["required"],
    })),
  );
  await sql`PRAGMA auto_vacuum = NONE`.execute(store.db);
  await sql`VACUUM`.execute(store.db);
  await store.close();
  const before = contents(path);
  equal((before.search as unknown[]).length, 43);

  const rebuilt = rebuildForFreePages(path);
  equal(rebuilt.kind, "rebuilt", JSON.stringify(rebuilt));
  deepEqual(contents(path), before, "every row, the search index and integrity are as before");
  const db = new DatabaseSync(path);
  try {
    equal(Number(db.prepare("PRAGMA auto_vacuum").get()?.auto_vacuum), 2);
    // The triggers came along: a part deleted is uncounted.
    const counted = () => Number(db.prepare("SELECT sum(count) AS n FROM part_count").get()?.n);
    const parts = counted();
    db.exec("DELETE FROM event_part WHERE event_id = 1");
    equal(counted(), parts - 2);
  } finally {
    db.close();
  }
  equal(rebuildForFreePages(path).kind, "not_needed", "once is enough");
});

Deno.test("a rebuild while another connection holds the database is postponed, the file untouched", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/vitrine.db`;
  const store = await openStore(path);
  await sql`PRAGMA auto_vacuum = NONE`.execute(store.db);
  await sql`VACUUM`.execute(store.db);
  // Another connection in the middle of a write.
  const other = new DatabaseSync(path);
  other.exec("BEGIN IMMEDIATE");
  try {
    const rebuilt = rebuildForFreePages(path);
    equal(rebuilt.kind, "postponed");
    ok("problem" in rebuilt && /tries again at its next start/.test(rebuilt.problem));
  } finally {
    other.exec("ROLLBACK");
    other.close();
    await store.close();
  }
  equal(rebuildForFreePages(path).kind, "rebuilt");
});
