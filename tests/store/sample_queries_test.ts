import { deepEqual, equal } from "node:assert/strict";
import { openStore } from "../../store/open_store.ts";
import {
  deleteSettledSamplesBefore,
  dueSamples,
  getSample,
  insertSample,
  moveSample,
  type NewSample,
  sampleWithContent,
} from "../../store/sample_queries.ts";
import type { SampleState } from "../../store/schema.ts";
import { tempDir } from "../_helpers.ts";
import { sampleRow } from "./_sample_rows.ts";

function sample(id: string, state: SampleState, changes: Partial<NewSample> = {}): NewSample {
  return sampleRow(id, state, {
    detected_at: 1_000,
    sha256: id.padEnd(64, "0"),
    size: 10,
    path: `/srv/${id}`,
    ...changes,
  });
}

Deno.test("a sample moves only from the states named, and a settled one keeps no path", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/vitrine.db`);
  try {
    await insertSample(store.db, sample("a", "held"));
    equal(await moveSample(store.db, "a", ["queued"], "submitted"), false);
    equal((await getSample(store.db, "a"))?.path, "/srv/a");
    equal(await moveSample(store.db, "a", ["held"], "approved", { decided_by: "Ada" }), true);
    equal((await getSample(store.db, "a"))?.path, "/srv/a", "approved still needs its file");
    equal(await moveSample(store.db, "a", ["approved"], "submitted"), true);
    deepEqual(
      [(await getSample(store.db, "a"))?.path, (await getSample(store.db, "a"))?.decided_by],
      [null, "Ada"],
    );
  } finally {
    await store.close();
  }
});

Deno.test("due samples are queued or approved and past their next attempt; retention takes only settled ones", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/vitrine.db`);
  try {
    await insertSample(store.db, sample("q", "queued"));
    await insertSample(store.db, sample("later", "queued", { next_attempt_at: 5_000 }));
    await insertSample(store.db, sample("h", "held"));
    await insertSample(store.db, sample("s", "submitted"));
    await insertSample(store.db, sample("d", "declined"));
    deepEqual((await dueSamples(store.db, 4_000, 10)).map((s) => s.id), ["q"]);
    deepEqual((await dueSamples(store.db, 5_000, 10)).map((s) => s.id).sort(), ["later", "q"]);
    equal((await sampleWithContent(store.db, sample("d", "declined").sha256!))?.id, "d");
    equal(await sampleWithContent(store.db, "f".repeat(64)), undefined);
    equal(await deleteSettledSamplesBefore(store.db, 2_000), 2);
    deepEqual(
      [await getSample(store.db, "s"), await getSample(store.db, "d")],
      [undefined, undefined],
    );
    equal((await getSample(store.db, "h"))?.state, "held", "a waiting sample stays");
  } finally {
    await store.close();
  }
});
