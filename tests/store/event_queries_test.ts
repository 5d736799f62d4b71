import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { sql } from "kysely";
import { openStore } from "../../store/open_store.ts";
import { StoreError } from "../../store/store_error.ts";
import { ftsQuery } from "../../store/_event_filter.ts";
import { countByTier, countByType } from "../../store/count_queries.ts";
import { listEvents } from "../../store/event_queries.ts";
import { insertEvents, type NewEvent } from "../../store/insert_events.ts";
import { deleteOptionalData } from "../../store/purge_queries.ts";
import { tempDir } from "../_helpers.ts";

const COMMON = { platform: "linux", hostname: "box" };

function event(i: number, optional = true): NewEvent {
  return {
    type: i % 2 ? "install" : "system_statistics",
    time: 1_700_000_000_000 + i * 1000,
    common: COMMON,
    parts: {
      required: { n: i, word: `alpha${i}` },
      ...(optional ? { optional: { secret: `mountpoint-${i}` } } : {}),
    },
  };
}

Deno.test("events are stored one row per event and tier, in WAL mode, and read back newest first", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    await insertEvents(store.db, Array.from({ length: 10 }, (_, i) => event(i)));
    deepEqual(await countByTier(store.db), { required: 10, optional: 10 });
    const page = await listEvents(store.db, { allowed: ["required", "optional"], limit: 3 });
    deepEqual(page.map((e) => e.parts.required?.n), [9, 8, 7]);
    const next = await listEvents(store.db, {
      allowed: ["required", "optional"],
      limit: 3,
      before: page[2]!.id,
    });
    deepEqual(next.map((e) => e.parts.required?.n), [6, 5, 4]);
    const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
    equal(mode.rows[0]?.journal_mode, "wal");
  } finally {
    await store.close();
  }
});

Deno.test("the allowed tiers bound what is read, whatever filter is asked for", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    await insertEvents(store.db, [event(1), event(2)]);
    const requiredOnly = await listEvents(store.db, { allowed: ["required"] });
    ok(requiredOnly.every((e) => e.parts.optional === undefined && e.parts.required !== undefined));
    deepEqual(await listEvents(store.db, { allowed: ["required"], tier: "optional" }), []);
    deepEqual(await listEvents(store.db, { allowed: ["required"], search: "mountpoint" }), []);
    equal(
      (await listEvents(store.db, { allowed: ["required", "optional"], search: "mountpoint-2" }))
        .length,
      1,
    );
  } finally {
    await store.close();
  }
});

Deno.test("type, time and full-text filters narrow the events", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    await insertEvents(store.db, Array.from({ length: 6 }, (_, i) => event(i)));
    const all = ["required", "optional"] as const;
    equal((await listEvents(store.db, { allowed: all, type: "install" })).length, 3);
    equal(
      (await listEvents(store.db, {
        allowed: all,
        since: 1_700_000_002_000,
        until: 1_700_000_004_000,
      })).length,
      2,
    );
    deepEqual(
      (await listEvents(store.db, { allowed: all, search: "alpha3" })).map((e) =>
        e.parts.required?.n
      ),
      [3],
    );
    deepEqual(await countByType(store.db, { allowed: ["required"] }), {
      install: { required: 3 },
      system_statistics: { required: 3 },
    });
    equal(ftsQuery('say "hi" there'), '"say"* "hi"* "there"*');
    equal(ftsQuery("   "), null);
  } finally {
    await store.close();
  }
});

Deno.test("deleting optional data removes it from the database file, not only from queries", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/v.db`;
  const store = await openStore(path);
  try {
    await insertEvents(store.db, Array.from({ length: 50 }, (_, i) => event(i)));
    await insertEvents(store.db, [{
      type: "auto_update_configuration",
      time: 1,
      common: COMMON,
      parts: { optional: { channel_name: "onlyoptional" } },
    }]);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    const before = new TextDecoder("latin1").decode(await Deno.readFile(path));
    ok(before.includes("mountpoint-17"));
    equal(await deleteOptionalData(store.db), 51);
    deepEqual(await countByTier(store.db), { required: 50, optional: 0 });
    // The event that had only optional data is gone entirely.
    equal(
      (await listEvents(store.db, {
        allowed: ["required", "optional"],
        type: "auto_update_configuration",
      })).length,
      0,
    );
    const after = new TextDecoder("latin1").decode(await Deno.readFile(path));
    const wal = await Deno.readFile(`${path}-wal`).catch(() => new Uint8Array());
    ok(!after.includes("mountpoint-"), "optional values remain in the database file");
    ok(!after.includes("onlyoptional"));
    ok(
      !new TextDecoder("latin1").decode(wal).includes("mountpoint-"),
      "optional values remain in the WAL",
    );
    ok(after.includes("alpha17"), "required data must stay");
  } finally {
    await store.close();
  }
});

Deno.test("a corrupt database is refused with advice and left untouched", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/v.db`;
  const garbage = new TextEncoder().encode("this is not a sqlite database at all ".repeat(200));
  await Deno.writeFile(path, garbage);
  await rejects(openStore(path), (error: unknown) => {
    ok(error instanceof StoreError);
    ok(error.message.includes(path) && error.message.includes("move it aside"), error.message);
    return true;
  });
  deepEqual(await Deno.readFile(path), garbage);
});
