import { equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { trimCHeap } from "../../ffi/trim_c_heap.ts";
import { requires } from "../../testing/requires.ts";

function anonKiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

Deno.test({
  name: "memory that SQLite freed goes back to the system when the C heap is trimmed",
  ...requires("glibc"),
  fn() {
    // An in-memory database of some 64 MiB, in SQLite's small page allocations.
    const db = new DatabaseSync(":memory:");
    db.exec("PRAGMA cache_size = -200000; CREATE TABLE t (v BLOB)");
    const insert = db.prepare("INSERT INTO t VALUES (randomblob(4000))");
    db.exec("BEGIN");
    for (let i = 0; i < 16_000; i++) insert.run();
    db.exec("COMMIT");
    db.close();
    const before = anonKiB();
    equal(trimCHeap(), true, "glibc gave memory back");
    const after = anonKiB();
    ok(before - after > 16 * 1024, `RssAnon ${before} KiB before the trim, ${after} KiB after`);
  },
});
