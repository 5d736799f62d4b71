import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { checkIntegrityAside } from "../../store/integrity_aside.ts";
import { StoreError } from "../../store/store_error.ts";
import { tempDir } from "../_helpers.ts";

/** A database of about `mib` MiB of rows with an index, as SQLite writes it. */
function writeDatabase(path: string, mib: number): void {
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB, k TEXT); CREATE INDEX t_k ON t (k)");
  const insert = db.prepare("INSERT INTO t (v, k) VALUES (randomblob(1000), hex(randomblob(8)))");
  db.exec("BEGIN");
  for (let i = 0; i < mib * 1000; i++) insert.run();
  db.exec("COMMIT");
  db.close();
}

/** The quick check on a connection of this thread (which it holds meanwhile). */
function checkHere(path: string): void {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.prepare("PRAGMA quick_check(20)").all();
  } finally {
    db.close();
  }
}

Deno.test("the check on another thread finds a sound database sound and a damaged one damaged", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/x.db`;
  writeDatabase(path, 4);
  deepEqual(await checkIntegrityAside(path), []);
  const file = await Deno.open(path, { read: true, write: true });
  const pages = (await file.stat()).size / 4096;
  await file.seek(Math.floor(pages / 2) * 4096, Deno.SeekMode.Start);
  await file.write(new Uint8Array(4096).fill(0x41));
  file.close();
  const found = await checkIntegrityAside(path);
  ok(found.length > 0, "the damage was found");
  ok(
    found.some((problem) => /malformed|corrupt|invalid page|btree/i.test(problem)),
    found.join("; "),
  );
});

Deno.test("checks asked for while one runs share it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/x.db`;
  writeDatabase(path, 2);
  const first = checkIntegrityAside(path);
  equal(checkIntegrityAside(path), first);
  deepEqual(await first, []);
  // Once done, the next one is a new check.
  const next = checkIntegrityAside(path);
  ok(next !== first);
  deepEqual(await next, []);
});

Deno.test("a file that is not a database is found damaged; one that cannot be opened is a StoreError naming it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/not.db`;
  await Deno.writeTextFile(path, "not a database ".repeat(1000));
  const found = await checkIntegrityAside(path);
  ok(found.some((problem) => /not a database/.test(problem)), found.join("; "));
  const missing = `${dir.path}/missing.db`;
  await rejects(checkIntegrityAside(missing), (error: Error) => {
    ok(error instanceof StoreError);
    ok(error.message.includes(missing), error.message);
    return true;
  });
});

Deno.test("this thread goes on while a large database is checked on another", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/x.db`;
  writeDatabase(path, 64);
  // How long the check holds a thread: measured here, where it blocks.
  const started = performance.now();
  checkHere(path);
  const blocking = performance.now() - started;
  let last = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    longestGap = Math.max(longestGap, performance.now() - last);
    last = performance.now();
  }, 5);
  try {
    deepEqual(await checkIntegrityAside(path), []);
  } finally {
    clearInterval(ticker);
  }
  ok(
    longestGap < blocking / 2,
    `this thread stopped for ${longestGap.toFixed(0)} ms; the check takes ${
      blocking.toFixed(0)
    } ms`,
  );
});
