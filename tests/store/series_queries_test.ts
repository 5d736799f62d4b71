import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { insertEvents } from "../../store/insert_events.ts";
import { openStore } from "../../store/open_store.ts";
import { CHART_RANGES, rangeEndingNow } from "../../catalog/charts.ts";
import { parseChartRange } from "../../input/parse_chart_query.ts";
import { readEventCounts, readSeries } from "../../store/series_queries.ts";
import { tempDir } from "../_helpers.ts";

const HOUR = 3_600_000;
const SINCE = 1_700_000_000_000;

Deno.test("stored records are counted in the bucket of their time, and the range is what was asked", async () => {
  await using dir = await tempDir();
  await using store = {
    ...(await openStore(`${dir.path}/v.db`)),
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
  await insertEvents(store.db, [
    { type: "install", time: SINCE + 10, common: {}, parts: { required: { a: 1 } } },
    {
      type: "install",
      time: SINCE + 20,
      common: {},
      parts: { required: { a: 1 }, optional: { b: 1 } },
    },
    { type: "install", time: SINCE + 23 * HOUR + 5, common: {}, parts: { required: { a: 1 } } },
  ]);
  const counts = await readEventCounts(store.db, SINCE, SINCE + 24 * HOUR, [
    "required",
    "optional",
  ]);
  deepEqual(counts.range, [SINCE / 1000, SINCE / 1000 + 86_400]);
  const [times, required, optional] = counts.data;
  equal(times!.length, 48);
  deepEqual([required![0], optional![0]], [2, 1], "the first half hour holds two records");
  deepEqual([required![46], required![47]], [1, 0]);
  equal(required!.reduce((a, b) => a! + b!, 0), 3);
  ok(times!.every((t) => t! > SINCE / 1000 && t! < SINCE / 1000 + 86_400), "bars inside the range");
});

Deno.test("a series averages values per bucket rather than returning every event", async () => {
  await using dir = await tempDir();
  const store = await openStore(`${dir.path}/v.db`);
  try {
    await insertEvents(
      store.db,
      Array.from({ length: 48 }, (_, i) => ({
        type: "system_statistics",
        time: SINCE + i * 1000,
        common: {},
        parts: { required: { "load.1m": i % 2, "load.5m": 1, "load.15m": 1 } },
      })),
    );
    const series = await readSeries(store.db, "load", SINCE, SINCE + 48_000, ["required"], 12);
    equal(series.data[0]!.length, 12, "twelve buckets of four events each");
    deepEqual(series.data[1], Array(12).fill(0.5));
    deepEqual(series.range, [SINCE / 1000, SINCE / 1000 + 48]);
  } finally {
    await store.close();
  }
});

Deno.test("chart ranges are named once and end now", () => {
  const { since, until } = rangeEndingNow("1h");
  equal(until - since, CHART_RANGES["1h"]);
  ok(Math.abs(until - Date.now()) < 2000);
  throws(() => parseChartRange("2h"), /The range "2h" is not one of 15m, 1h, 6h, 24h, 7d, 30d/);
});
