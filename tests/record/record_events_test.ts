import { deepEqual, equal } from "node:assert/strict";
import { sql } from "kysely";
import { recordEvents } from "../../record/record_events.ts";
import type { RawEvent } from "../../catalog/raw_event.ts";
import { loadIdentity } from "../../identity/identity.ts";
import type { Policy } from "../../policy/policy.ts";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { openStore } from "../../store/open_store.ts";
import { tempDir } from "../_helpers.ts";

function sendingPolicy(limit: number): Policy {
  return combinePolicy(
    "/etc/vitrine/managed.json",
    {
      state: "valid",
      values: new Map<string, unknown>([
        ["cloudService.enabled", true],
        ["cloudService.serviceUri", "http://127.0.0.1:9/"],
        ["crashUploadDailyLimit", limit],
      ]),
      problems: [],
    },
    new Map(),
  );
}

function crash(i: number): RawEvent {
  return {
    type: "crash",
    fields: {
      reason: "unclean_shutdown",
      crashed_at: 1_790_000_000_000 + i,
      crashed_version: "0.1.0",
    },
  };
}

async function queuedOf(dir: string, limit: number, crashes: number) {
  const store = await openStore(`${dir}/v.db`);
  try {
    const policy = sendingPolicy(limit);
    const identity = await loadIdentity(store.db, policy);
    for (let i = 0; i < crashes; i++) await recordEvents(store.db, identity, policy, [crash(i)]);
    const stored = await store.db.selectFrom("event").select("id").where("type", "=", "crash")
      .execute();
    const queued = await sql<{ event_id: number }>`SELECT DISTINCT event_id FROM outbox
      ORDER BY event_id`.execute(store.db);
    return { stored: stored.length, queued: queued.rows.map((row) => row.event_id) };
  } finally {
    await store.close();
  }
}

Deno.test("crash records beyond crashUploadDailyLimit a day are kept but never queued", async () => {
  await using dir = await tempDir();
  const { stored, queued } = await queuedOf(dir.path, 2, 5);
  equal(stored, 5, "every crash is kept locally");
  equal(queued.length, 2, `queued ${JSON.stringify(queued)}`);
});

Deno.test("a crashUploadDailyLimit of 0 queues no crash record, and other events still go", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    const policy = sendingPolicy(0);
    const identity = await loadIdentity(store.db, policy);
    await recordEvents(store.db, identity, policy, [crash(0), {
      type: "storage_eviction",
      fields: {
        tier: "optional",
        evicted_records: 1,
        oldest_kept_at: null,
        limit_bytes: 1,
        used_bytes: 1,
      },
    }]);
    const queued = await sql<{ type: string }>`SELECT DISTINCT event.type FROM outbox
      JOIN event ON event.id = outbox.event_id`.execute(store.db);
    deepEqual(queued.rows.map((row) => row.type), ["storage_eviction"]);
  } finally {
    await store.close();
  }
});
