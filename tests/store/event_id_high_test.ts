import { deepEqual } from "node:assert/strict";
import { deleteAllData } from "../../store/delete_all_data.ts";
import { insertEvents, type NewEvent } from "../../store/insert_events.ts";
import { openStore } from "../../store/open_store.ts";
import { deleteOptionalData } from "../../store/purge_queries.ts";
import { evictToFit } from "../../store/quota_queries.ts";
import { deleteEventsBefore } from "../../store/retention_queries.ts";
import { tempDir } from "../_helpers.ts";

function event(optionalOnly = false): NewEvent {
  return {
    type: "heartbeat",
    time: Date.now(),
    common: { platform: "linux" },
    parts: optionalOnly ? { optional: { note: "n" } } : { required: { uptime: 1 } },
  };
}

Deno.test("an event id is never given twice: not after retention, the size cap, a lowered level or a person's deletion empties the store", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    const given: number[] = [];
    const add = async (n: number, optionalOnly = false) =>
      given.push(
        ...await insertEvents(store.db, Array.from({ length: n }, () => event(optionalOnly))),
      );
    await add(3);
    await deleteEventsBefore(store.db, Date.now() + 60_000);
    await add(2);
    // A limit of nothing: every event goes.
    await evictToFit(store.db, 0, 0);
    await add(2, true);
    await deleteOptionalData(store.db);
    await add(1);
    await store.db.transaction().execute((trx) => deleteAllData(trx, store.db, Date.now(), []));
    await add(1);
    deepEqual(given, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  } finally {
    await store.close();
  }
});
