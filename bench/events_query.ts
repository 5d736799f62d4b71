// Latency (p50, p99) of the dashboard's event queries with 1,000,000 stored
// events, against a bare primary-key page read through node:sqlite (the
// baseline), in the same run.
import { DatabaseSync } from "node:sqlite";
import { listEvents } from "../store/event_queries.ts";
import { openStore } from "../store/open_store.ts";
import { quantile, report } from "./_measure.ts";
import { seedStore } from "./_seed_store.ts";

const COUNT = Number(Deno.env.get("BENCH_EVENTS") ?? 1_000_000);
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 200);

async function timed(run: () => unknown | Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

/** Seeds (or reuses) a database of COUNT events at `path`. */
export async function benchDatabase(path: string): Promise<void> {
  try {
    const db = new DatabaseSync(path);
    const row = db.prepare("SELECT count(*) AS n FROM event").get() as { n: number };
    db.close();
    if (row.n === COUNT) return;
    await Deno.remove(path);
  } catch {
    // Not there yet.
  }
  await seedStore(path, COUNT);
}

/** Runs the benchmark and returns its summary lines. */
export async function eventsQueryBench(path: string): Promise<string[]> {
  await benchDatabase(path);
  const raw = new DatabaseSync(path);
  const baseline = await timed(() =>
    raw.prepare("SELECT id, type, time FROM event ORDER BY id DESC LIMIT 50").all()
  );
  raw.close();
  const store = await openStore(path);
  const both = ["required", "optional"] as const;
  const lines = [
    report(
      `baseline: bare page of 50 ids (${COUNT} events)`,
      `p50 ${baseline.p50.toFixed(2)} ms, p99 ${baseline.p99.toFixed(2)} ms`,
    ),
  ];
  const cases: [string, () => Promise<unknown>][] = [
    [
      "events: newest page of 50 with fields",
      () => listEvents(store.db, { allowed: both, limit: 50 }),
    ],
    [
      "events: page of 50 from the middle (cursor)",
      () => listEvents(store.db, { allowed: both, limit: 50, before: Math.floor(COUNT / 2) }),
    ],
    [
      "events: type and tier filter",
      () =>
        listEvents(store.db, {
          allowed: both,
          limit: 50,
          type: "system_statistics",
          tier: "optional",
        }),
    ],
    [
      "events: time range",
      () =>
        listEvents(store.db, {
          allowed: both,
          limit: 50,
          since: Date.now() - COUNT * 500,
          until: Date.now() - COUNT * 400,
        }),
    ],
    [
      "search: one rare word",
      () => listEvents(store.db, { allowed: both, limit: 50, search: "uptime 123457" }),
    ],
    [
      "search: a common word",
      () => listEvents(store.db, { allowed: both, limit: 50, search: "host42" }),
    ],
  ];
  for (const [name, run] of cases) {
    const t = await timed(run);
    lines.push(
      report(
        name,
        `p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms (p50 ${
          (t.p50 / baseline.p50).toFixed(1)
        }x baseline)`,
      ),
    );
  }
  await store.close();
  return lines;
}

if (import.meta.main) {
  const dir = Deno.env.get("BENCH_DIR") ?? await Deno.makeTempDir({ prefix: "vitrine-bench-" });
  await eventsQueryBench(`${dir}/vitrine.db`);
}
