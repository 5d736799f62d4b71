import { equal, ok } from "node:assert/strict";
import { sql } from "kysely";
import { insertEvents, type NewEvent } from "../../store/insert_events.ts";
import { openStore } from "../../store/open_store.ts";
import { canReleasePages } from "../../store/quota_queries.ts";
import { startTestAgent, tempDir } from "../_helpers.ts";

function event(i: number): NewEvent {
  return {
    type: "system_statistics",
    time: Date.now() - 1_000_000 + i,
    common: { platform: "linux" },
    parts: {
      required: { uptime: i, "kernel.release": `r${i}-${"x".repeat(200)}` },
      optional: { "vmstat.nr": i, note: "y".repeat(4000) },
    },
  };
}

async function onDisk(path: string): Promise<number> {
  const size = (file: string) => Deno.stat(file).then((info) => info.size, () => 0);
  return await size(path) + await size(`${path}-wal`);
}

Deno.test("a lowered size cap frees the disk, also for a database made before pages could be given back", async () => {
  await using dir = await tempDir();
  const dataDir = `${dir.path}/data`;
  await Deno.mkdir(dataDir);
  const database = `${dataDir}/vitrine.db`;
  const store = await openStore(database);
  for (let first = 0; first < 9_000; first += 500) {
    await insertEvents(store.db, Array.from({ length: 500 }, (_, i) => event(first + i)));
  }
  // As an older vitrine left it: no auto-vacuum, and the migration not run.
  await sql`PRAGMA auto_vacuum = NONE`.execute(store.db);
  await sql`VACUUM`.execute(store.db);
  // (Later migrations are undone too: an older vitrine had none of them.)
  await sql`DELETE FROM kysely_migration WHERE name >= '2026_12_01_release_pages'`.execute(
    store.db,
  );
  await sql`DROP TABLE sample`.execute(store.db);
  equal(await canReleasePages(store.db), false);
  await store.close();
  const before = await onDisk(database);
  ok(before > 32 * 1024 * 1024, `the database takes ${before} bytes`);

  await Deno.writeTextFile(
    `${dir.path}/managed.json`,
    JSON.stringify({ retention: { maxSizeMB: 16 }, cloudService: { diagnosticLevel: "optional" } }),
  );
  const agent = await startTestAgent({ dataDir, managedFile: `${dir.path}/managed.json` });
  try {
    equal(await canReleasePages(agent.store.db), true, "the upgrade's migration converted it");
    await agent.collectNow("size_limit");
    await agent.collectNow("system");
    await agent.collectNow("size_limit");
    const after = await onDisk(database);
    ok(after <= 16 * 1024 * 1024, `the database still takes ${after} bytes on disk`);
    const task = agent.status().collectors.find((t) => t.name === "size_limit");
    equal(task?.lastError ?? null, null);
  } finally {
    await agent.stop();
  }
});
