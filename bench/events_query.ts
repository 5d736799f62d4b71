// Latency (p50, p99) of the dashboard's event queries with 1,000,000 stored
// events, against a bare primary-key page read through node:sqlite (the
// baseline), in the same run.
import { DatabaseSync } from "node:sqlite";
import { listEvents } from "../store/event_queries.ts";
import { openStore } from "../store/open_store.ts";
import { benchSetting, quantile, type Row, row, runAloneSeeded } from "./_measure.ts";
import { RARE_EVERY, rareWord } from "./_seed_store.ts";

const RUNS = benchSetting("BENCH_RUNS", 200);

async function timed(run: (i: number) => unknown): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

/** Runs the benchmark on the database at `path`, holding `count` events. */
export async function eventsQueryBench(path: string, count: number): Promise<Row[]> {
  const raw = new DatabaseSync(path);
  const baseline = await timed(() =>
    raw.prepare("SELECT id, type, time FROM event ORDER BY id DESC LIMIT 50").all()
  );
  raw.close();
  const store = await openStore(path);
  const both = ["required", "optional"] as const;
  const rare = Math.max(1, Math.floor(count / RARE_EVERY));
  const cases: [string, string, (i: number) => Promise<unknown>, number | null][] = [
    [
      "events: newest page of 50 with fields",
      "",
      () => listEvents(store.db, { allowed: both, limit: 50 }),
      null,
    ],
    [
      "events: page of 50 from the middle (cursor)",
      "",
      () => listEvents(store.db, { allowed: both, limit: 50, before: Math.floor(count / 2) }),
      null,
    ],
    [
      "search for a rare word",
      `a word in 1 of ${RARE_EVERY.toLocaleString("en-US")} events`,
      (i) => listEvents(store.db, { allowed: both, limit: 50, search: rareWord(1 + i % rare) }),
      20,
    ],
    [
      "search for a common word",
      "a word in every statistics event",
      () => listEvents(store.db, { allowed: both, limit: 50, search: "Linux" }),
      null,
    ],
  ];
  const rows: Row[] = [];
  for (const [name, what, run, target] of cases) {
    const t = await timed(run);
    rows.push(row({
      measure: `${name} (${count.toLocaleString("en-US")} events${what ? `, ${what}` : ""})`,
      vitrine: `p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms`,
      baseline: `bare page of 50 ids: p99 ${baseline.p99.toFixed(2)} ms`,
      ratio: `${(t.p99 / baseline.p99).toFixed(1)}x`,
      target: target === null ? "—" : `p99 ≤ ${target} ms`,
      met: target === null ? null : t.p99 <= target,
    }));
  }
  await store.close();
  return rows;
}

if (import.meta.main) {
  await runAloneSeeded(({ database, count }) => eventsQueryBench(database, count));
}
