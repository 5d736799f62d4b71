// The size cap, as shipped: the agent started by `deno task start` (its
// permissions, without --allow-all, under which node:sqlite refuses the
// ATTACH that VACUUM needs) keeps a 16 MiB cap on disk, for a database it
// made and for one an older vitrine made without incremental auto-vacuum.
import { equal, ok } from "node:assert/strict";
import { sql } from "kysely";
import { insertEvents, type NewEvent } from "../../store/insert_events.ts";
import { openStore } from "../../store/open_store.ts";
import { canReleasePages } from "../../store/quota_queries.ts";
import { healthOf, startAgent, stopAgent } from "../../testing/shipped_agent.ts";
import { tempDir } from "../../testing/temp_dir.ts";
import { waitFor } from "../../testing/wait_for.ts";

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

/** A database of some 40 MiB in `dataDir`; as an older vitrine left it when `older`. */
async function filledDatabase(dataDir: string, older: boolean): Promise<string> {
  await Deno.mkdir(dataDir, { recursive: true });
  const database = `${dataDir}/vitrine.db`;
  const store = await openStore(database);
  for (let first = 0; first < 9_000; first += 500) {
    await insertEvents(store.db, Array.from({ length: 500 }, (_, i) => event(first + i)));
  }
  if (older) {
    // (Made here under the tests' --allow-all, as an older vitrine could: no
    // auto-vacuum, and the migrations since not run.)
    await sql`PRAGMA auto_vacuum = NONE`.execute(store.db);
    await sql`VACUUM`.execute(store.db);
    await sql`DELETE FROM kysely_migration WHERE name >= '2026_12_01_release_pages'`.execute(
      store.db,
    );
    // The tables of those migrations go with them.
    for (
      const table of [
        "sample",
        "deletion_notice",
        "sent_log_leaf",
        "sent_log_node",
        "sent_log_head",
      ]
    ) {
      await sql`DROP TABLE ${sql.table(table)}`.execute(store.db);
    }
    equal(await canReleasePages(store.db), false);
  } else {
    equal(await canReleasePages(store.db), true, "a new database releases pages from the start");
  }
  await store.close();
  ok(await onDisk(database) > 32 * 1024 * 1024, "the database is over twice the cap");
  return database;
}

for (const older of [false, true]) {
  Deno.test(
    `as shipped, a 16 MiB cap holds ${
      older ? "a database an older vitrine made" : "the agent's own database"
    } under 20 MiB on disk, with no problem in health`,
    async () => {
      await using dir = await tempDir();
      const dataDir = `${dir.path}/data`;
      const database = await filledDatabase(dataDir, older);
      const managed = `${dir.path}/managed.json`;
      await Deno.writeTextFile(
        managed,
        JSON.stringify({
          retention: { maxSizeMB: 16 },
          cloudService: { diagnosticLevel: "optional" },
        }),
      );
      const agent = await startAgent(dataDir, ["--managed-config", managed]);
      try {
        await waitFor(
          "the database to fit its cap on disk",
          async () => await onDisk(database) <= 20 * 1024 * 1024,
          120_000,
        );
        if (older) ok(/Rebuilt the database once/.test(agent.output()), agent.output());
        const health = await healthOf(agent, ["--managed-config", managed]);
        equal(
          (health.problems as string[]).filter((p) => /database|disk|size_limit/i.test(p)).join(
            "\n",
          ),
          "",
        );
      } finally {
        equal(await stopAgent(agent), 0, agent.output());
      }
      ok(await onDisk(database) <= 20 * 1024 * 1024, "and stays so after the stop");
    },
  );
}
