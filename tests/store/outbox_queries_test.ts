import { deepEqual, equal } from "node:assert/strict";
import { sql } from "kysely";
import { insertEvents, type NewEvent } from "../../store/insert_events.ts";
import { openStore } from "../../store/open_store.ts";
import { logDelivery, partsJourney } from "../../store/delivery_queries.ts";
import { boundOutbox, nextQueued, outboxDepth } from "../../store/outbox_queries.ts";
import { deleteOptionalData } from "../../store/purge_queries.ts";
import { tempDir } from "../_helpers.ts";

function event(i: number): NewEvent {
  return {
    type: "system_statistics",
    time: 1_700_000_000_000 + i,
    common: { platform: "linux" },
    parts: { required: { uptime: i }, optional: { "vmstat.nr": i } },
    queue: ["required", "optional"],
  };
}

async function queued(dir: string, count: number) {
  const store = await openStore(`${dir}/v.db`);
  await insertEvents(store.db, Array.from({ length: count }, (_, i) => event(i)));
  return store;
}

Deno.test("an event's parts are queued with it, in the same transaction", async () => {
  await using dir = await tempDir();
  const store = await queued(dir.path, 3);
  try {
    deepEqual(await outboxDepth(store.db), { required: 3, optional: 3 });
  } finally {
    await store.close();
  }
});

Deno.test("the next batch holds as many events as asked, each with every part that waits", async () => {
  await using dir = await tempDir();
  const store = await queued(dir.path, 10);
  try {
    const batch = await nextQueued(store.db, ["required", "optional"], 4);
    // Four events, not four parts: a batch once halved itself each round.
    deepEqual(batch.map((e) => e.id), [1, 2, 3, 4]);
    for (const e of batch) deepEqual(Object.keys(e.parts).sort(), ["optional", "required"]);
    deepEqual(
      (await nextQueued(store.db, ["required"], 3)).map((e) => Object.keys(e.parts)),
      [["required"], ["required"], ["required"]],
    );
  } finally {
    await store.close();
  }
});

Deno.test("over its bound the outbox drops the oldest optional parts first, then required", async () => {
  await using dir = await tempDir();
  const store = await queued(dir.path, 10);
  try {
    deepEqual(await boundOutbox(store.db, 14, 3_600_000, Date.now()), {
      required: 0,
      optional: 6,
    });
    const optional = await sql<{ event_id: number }>`SELECT event_id FROM outbox
      WHERE tier = 'optional' ORDER BY event_id`.execute(store.db);
    deepEqual(optional.rows.map((r) => r.event_id), [7, 8, 9, 10], "the newest stay");
    deepEqual(await boundOutbox(store.db, 2, 3_600_000, Date.now()), {
      required: 8,
      optional: 4,
    });
    const required = await sql<{ event_id: number }>`SELECT event_id FROM outbox
      ORDER BY event_id`.execute(store.db);
    deepEqual(required.rows.map((r) => r.event_id), [9, 10]);
  } finally {
    await store.close();
  }
});

Deno.test("parts older than the age bound are dropped", async () => {
  await using dir = await tempDir();
  const store = await queued(dir.path, 4);
  try {
    const dropped = await boundOutbox(store.db, 1000, 1000, Date.now() + 5000);
    deepEqual(dropped, { required: 4, optional: 4 });
  } finally {
    await store.close();
  }
});

Deno.test("deleting optional data takes it off the outbox; a delivery marks what it carried", async () => {
  await using dir = await tempDir();
  const store = await queued(dir.path, 2);
  try {
    await logDelivery(
      store.db,
      {
        at: 1,
        endpoint: "collector:4318",
        records: 1,
        bytes: 10,
        status: "200",
        attempts: 1,
        rejected: 0,
        error: null,
      },
      [{ event_id: 1, tier: "required" }, { event_id: 1, tier: "optional" }],
    );
    const journey = await partsJourney(store.db, 1);
    deepEqual(journey.sent.map((s) => s.tier).sort(), ["optional", "required"]);
    equal(journey.sent[0]!.delivery.endpoint, "collector:4318");
    deepEqual(journey.queued, []);
    await deleteOptionalData(store.db);
    deepEqual(await outboxDepth(store.db), { required: 1, optional: 0 });
    deepEqual((await partsJourney(store.db, 1)).sent.map((s) => s.tier), ["required"]);
  } finally {
    await store.close();
  }
});
