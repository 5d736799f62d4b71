import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { deleteAllData } from "../../store/delete_all_data.ts";
import { insertEvents } from "../../store/insert_events.ts";
import {
  leafHash,
  mthOfLeaves,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from "../../store/merkle_tree.ts";
import { openStore, type Store } from "../../store/open_store.ts";
import { deleteEventsBefore } from "../../store/retention_queries.ts";
import {
  appendLeaves,
  consistencyProof,
  inclusionProof,
  rootHash,
  treeSize,
} from "../../store/sent_log_queries.ts";
import { logSummary, SUMMARY_LEVEL } from "../../store/summarise_sent_log.ts";
import { tempDir } from "../_helpers.ts";

const T0 = 1_700_000_000_000;

/** `count` events a second apart from `T0 + first` s, each delivered: one leaf each. */
async function sendEvents(store: Store, first: number, count: number): Promise<Uint8Array[]> {
  const ids = await insertEvents(
    store.db,
    Array.from({ length: count }, (_, i) => ({
      type: "heartbeat",
      time: T0 + (first + i) * 1000,
      common: { platform: "linux" },
      parts: { required: { uptime: first + i } },
    })),
  );
  const data = ids.map((id) => new TextEncoder().encode(`record ${id}`));
  // Delivered in batches of 100, as the uplink would.
  for (let at = 0; at < ids.length; at += 100) {
    await appendLeaves(
      store.db,
      1,
      ids.slice(at, at + 100).map((eventId, i) => ({ eventId, data: data[at + i]! })),
      Date.now(),
    );
  }
  return data;
}

async function rows(store: Store, table: "sent_log_leaf" | "sent_log_node"): Promise<number> {
  const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

Deno.test("leaves whose events are gone are summarised into subtree hashes: the tree is unchanged, and every kept leaf and every later head can still be proven", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    const data = await sendEvents(store, 0, 3000);
    const hashes = data.map(leafHash);
    const before = {
      root: toHex(await rootHash(store.db)),
      leaves: await rows(store, "sent_log_leaf"),
    };
    const nodesBefore = await rows(store, "sent_log_node");
    // Retention removes the first 2000 events.
    await deleteEventsBefore(store.db, T0 + 2000 * 1000);
    const span = 2 ** SUMMARY_LEVEL;
    const summary = await logSummary(store.db);
    equal(summary.retainedFrom, Math.floor(2000 / span) * span, "every whole block of gone events");
    equal(summary.eventsBelow, summary.retainedFrom + 1, "event ids start at 1");
    equal(await treeSize(store.db), 3000);
    equal(toHex(await rootHash(store.db)), before.root, "the same tree");
    equal(await rows(store, "sent_log_leaf"), before.leaves - summary.retainedFrom);
    ok(await rows(store, "sent_log_node") < nodesBefore / 2, "inner nodes of summarised blocks go");

    for (let m = summary.retainedFrom; m < 3000; m += 7) {
      const path = await inclusionProof(store.db, m, 3000);
      ok(verifyInclusion(m, 3000, hashes[m]!, path, mthOfLeaves(hashes, 0, 3000)), `leaf ${m}`);
    }
    await rejects(inclusionProof(store.db, 5, 3000), /no node/);
    const firsts = [2047, 2048, 2999];
    for (let m = summary.retainedFrom; m < 3000; m += 13) firsts.push(m);
    for (const m of firsts) {
      const proof = await consistencyProof(store.db, m, 3000);
      ok(
        verifyConsistency(m, 3000, mthOfLeaves(hashes, 0, m), mthOfLeaves(hashes, 0, 3000), proof),
        `consistency ${m} to 3000`,
      );
    }
    // The log goes on growing on top of the summary.
    hashes.push(...(await sendEvents(store, 3000, 700)).map(leafHash));
    equal(toHex(await rootHash(store.db)), toHex(mthOfLeaves(hashes)));
    const proof = await consistencyProof(store.db, 2500, 3700);
    ok(verifyConsistency(2500, 3700, mthOfLeaves(hashes, 0, 2500), mthOfLeaves(hashes), proof));
  } finally {
    await store.close();
  }
});

Deno.test("a person's deletion summarises every leaf but the newest block, and the log goes on", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    const hashes = (await sendEvents(store, 0, 1000)).map(leafHash);
    await store.db.transaction().execute((trx) => deleteAllData(trx, store.db, Date.now(), []));
    const summary = await logSummary(store.db);
    const span = 2 ** SUMMARY_LEVEL;
    equal(summary.retainedFrom, Math.floor((1000 - 1) / span) * span);
    deepEqual(await rows(store, "sent_log_leaf"), 1000 - summary.retainedFrom);
    hashes.push(...(await sendEvents(store, 5000, 10)).map(leafHash));
    equal(toHex(await rootHash(store.db)), toHex(mthOfLeaves(hashes)));
  } finally {
    await store.close();
  }
});
