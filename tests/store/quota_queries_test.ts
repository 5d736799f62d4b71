import { deepEqual, equal, ok } from "node:assert/strict";
import { sql } from "kysely";
import { enforceSizeLimit, evictionTotals } from "../../agent/storage_keeper.ts";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { listEvents } from "../../store/event_queries.ts";
import { insertEvents, type NewEvent } from "../../store/insert_events.ts";
import { openStore, type Store } from "../../store/open_store.ts";
import { evictToFit, usedBytes } from "../../store/quota_queries.ts";
import { tempDir } from "../_helpers.ts";

function event(i: number, optional: boolean): NewEvent {
  return {
    type: "system_statistics",
    time: 1_700_000_000_000 + i * 1000,
    common: { platform: "linux" },
    parts: {
      required: { uptime: i, "kernel.release": `r${i}-${"x".repeat(200)}` },
      ...(optional ? { optional: { "vmstat.nr": i, note: "y".repeat(600) } } : {}),
    },
  };
}

async function filled(dir: string, count: number): Promise<Store> {
  const store = await openStore(`${dir}/v.db`);
  for (let first = 0; first < count; first += 200) {
    await insertEvents(store.db, Array.from({ length: 200 }, (_, i) => event(first + i, true)));
  }
  return store;
}

async function tierRange(store: Store, tier: string): Promise<[number, number]> {
  const row = await sql<{ lo: number; hi: number }>`SELECT min(event_id) AS lo, max(event_id) AS hi
    FROM event_part WHERE tier = ${tier}`.execute(store.db);
  return [Number(row.rows[0]?.lo), Number(row.rows[0]?.hi)];
}

Deno.test("over the limit the oldest optional data goes first, and required data stays", async () => {
  await using dir = await tempDir();
  const store = await filled(dir.path, 4000);
  try {
    const used = await usedBytes(store.db);
    const [, newestRequired] = await tierRange(store, "required");
    const evictions = await evictToFit(store.db, used - 1, Math.floor(used * 0.8));
    equal(evictions.length, 1);
    equal(evictions[0]!.tier, "optional");
    ok(evictions[0]!.evicted > 0);
    ok(await usedBytes(store.db) <= used * 0.8);
    const [oldestOptional, newestOptional] = await tierRange(store, "optional");
    ok(oldestOptional > 1, "the oldest optional data went");
    equal(newestOptional, 4000, "the newest optional data stays");
    deepEqual(await tierRange(store, "required"), [1, newestRequired], "every required part stays");
    equal(evictions[0]!.oldestKeptAt, 1_700_000_000_000 + (oldestOptional - 1) * 1000);
  } finally {
    await store.close();
  }
});

Deno.test("once optional data is gone, the oldest required events go, whole", async () => {
  await using dir = await tempDir();
  const store = await filled(dir.path, 3000);
  try {
    const used = await usedBytes(store.db);
    const evictions = await evictToFit(store.db, 1, Math.floor(used * 0.2));
    deepEqual(evictions.map((e) => e.tier), ["optional", "required"]);
    equal(evictions[0]!.evicted, 3000, "every optional part");
    ok(await usedBytes(store.db) <= used * 0.2);
    const [oldest, newest] = await tierRange(store, "required");
    ok(oldest > 1 && newest === 3000);
    const orphans = await sql<{ n: number }>`SELECT count(*) AS n FROM event
      WHERE NOT EXISTS (SELECT 1 FROM event_part WHERE event_id = event.id)`.execute(store.db);
    equal(Number(orphans.rows[0]?.n), 0, "no event is left without data");
    const found = await listEvents(store.db, { allowed: ["required"], search: "r1-" });
    equal(found.length, 0, "the index forgets what was removed");
  } finally {
    await store.close();
  }
});

Deno.test("an eviction is recorded with what and how much, and counted for health", async () => {
  await using dir = await tempDir();
  const store = await filled(dir.path, 30_000);
  try {
    const policy = combinePolicy(
      "/none",
      { state: "absent", values: new Map(), problems: [] },
      new Map([["retention.maxSizeMB", 16]]),
    );
    ok(await usedBytes(store.db) > 16 * 1024 * 1024, "the data exceeds the limit");
    const recorded: unknown[] = [];
    await enforceSizeLimit(store.db, policy, (events) => {
      recorded.push(...events);
      return Promise.resolve();
    });
    ok(await usedBytes(store.db) <= 16 * 1024 * 1024 * 0.9);
    const [first] = recorded as { type: string; fields: Record<string, unknown> }[];
    equal(first?.type, "storage_eviction");
    equal(first?.fields.tier, "optional");
    equal(first?.fields.limit_bytes, 16 * 1024 * 1024);
    const totals = await evictionTotals(store.db);
    equal(totals.optional, first?.fields.evicted_records);
    ok(totals.lastAt !== null);
    // Within the limit nothing more happens.
    recorded.length = 0;
    await enforceSizeLimit(store.db, policy, (events) => {
      recorded.push(...events);
      return Promise.resolve();
    });
    equal(recorded.length, 0);
  } finally {
    await store.close();
  }
});
