// A hundred dashboard clients asking for the event list at once for 20 s,
// against the same clients asking for a static file of the same server
// (the baseline): latency under load. Then the same load with five exports
// taken through the dashboard at the same time: the agent's memory at its
// peak, and whether it comes back near where it was idle within 60 s.
import type { Row } from "./_measure.ts";
import {
  available,
  benchSetting,
  freePort,
  memoryOf,
  mib,
  row,
  runAloneSeeded,
  sleep,
  startAgent,
  stop,
} from "./_measure.ts";

const CLIENTS = 100;
const EXPORTS = 5;
/** Each concurrent export holds the newest this many events. */
const EXPORT_EVENTS = 50_000;
const SECONDS = benchSetting("BENCH_LOAD_SECONDS", 20);

/** p99 latency (ms) and requests per second that wrk reports. */
async function wrk(url: string): Promise<{ p99: number; rate: number }> {
  const out = await new Deno.Command("wrk", {
    args: ["-t", "2", "-c", String(CLIENTS), "-d", `${SECONDS}s`, "--latency", url],
    stdout: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(text);
  const toMs = (value: string, unit: string) =>
    Number(value) * (unit === "us" ? 0.001 : unit === "s" ? 1000 : 1);
  return {
    p99: p99 ? toMs(p99[1]!, p99[2]!) : NaN,
    rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN),
  };
}

/** Runs the benchmark against a copy of the database at `database`, in `dir`. */
export async function dashboardLoadBench(dir: string, database: string): Promise<Row[]> {
  if (!available("wrk")) {
    return [row({
      measure: `/api/events under ${CLIENTS} concurrent clients`,
      vitrine: "—",
      baseline: "wrk is not installed (apt-get install wrk)",
      ratio: "—",
      target: "≤ 50 ms p99",
      met: null,
    })];
  }
  await Deno.mkdir(`${dir}/dashboard`, { recursive: true });
  await Deno.copyFile(database, `${dir}/dashboard/vitrine.db`);
  // A size limit the million events fit in: the benchmark measures serving
  // them, not evicting most of them (the default 256 MiB would).
  await Deno.writeTextFile(
    `${dir}/dashboard/managed.json`,
    JSON.stringify({
      cloudService: { diagnosticLevel: "optional" },
      retention: { maxSizeMB: 16_384 },
    }),
  );
  const port = freePort();
  const agent = await startAgent([
    "--data-dir",
    `${dir}/dashboard`,
    "--port",
    String(port),
    "--managed-config",
    `${dir}/dashboard/managed.json`,
  ]);
  try {
    const base = `http://127.0.0.1:${port}`;
    // Load the web app once, so that both runs measure serving, and let the
    // start-up housekeeping (retention, the size check) finish first.
    await (await fetch(`${base}/api/events`)).arrayBuffer();
    const startedAt = Date.now();
    while (Date.now() - startedAt < 120_000) {
      const health = await (await fetch(`${base}/api/health`)).json() as {
        agent: { collectors: { name: string; runs: number }[] } | null;
      };
      const ran = (name: string) =>
        (health.agent?.collectors.find((task) => task.name === name)?.runs ?? 0) > 0;
      if (ran("retention") && ran("size_limit")) break;
      await sleep(500);
    }
    await sleep(3000);
    const idle = memoryOf(agent.pid).rss;
    const baseline = await wrk(`${base}/static/favicon.svg`);
    const events = await wrk(`${base}/api/events`);
    // The newest EXPORT_EVENTS events: the time of the oldest of them is each export's since.
    const newest = await (await fetch(`${base}/api/events?limit=1`)).json() as {
      events: { id: number; time: number }[];
    };
    const from = Math.max(1, (newest.events[0]?.id ?? 0) - EXPORT_EVENTS + 1);
    const first = await (await fetch(`${base}/api/events?limit=1&before=${from + 1}`)).json() as {
      events: { time: number }[];
    };
    const since = first.events[0]?.time ?? 0;
    const exports = Array.from({ length: EXPORTS }, async () => {
      const response = await fetch(`${base}/api/export?format=ndjson&since=${since}`);
      let bytes = 0;
      for await (const chunk of response.body!) bytes += chunk.length;
      return { status: response.status, bytes };
    });
    const [loaded, done] = await Promise.all([wrk(`${base}/api/events`), Promise.all(exports)]);
    const peak = memoryOf(agent.pid).peak;
    let after = memoryOf(agent.pid).rss;
    const settled = Date.now();
    while (after > 1.2 * idle && Date.now() - settled < 60_000) {
      await sleep(1000);
      after = memoryOf(agent.pid).rss;
    }
    const settleSeconds = Math.round((Date.now() - settled) / 1000);
    const exported = done.filter((e) => e.status === 200).length;
    return [
      row({
        measure:
          `p99 of /api/events under ${CLIENTS} concurrent clients for ${SECONDS} s (1,000,000 events, optional level)`,
        vitrine: `${events.p99.toFixed(1)} ms (${Math.round(events.rate)} requests/s)`,
        baseline: `a static file of the same server: ${baseline.p99.toFixed(1)} ms`,
        ratio: `${(events.p99 / baseline.p99).toFixed(2)}x`,
        target: "≤ 50 ms",
        met: events.p99 <= 50,
      }),
      row({
        measure:
          `RSS under ${CLIENTS} dashboard clients and ${EXPORTS} concurrent exports (${exported} completed, newest ${
            EXPORT_EVENTS.toLocaleString("en-US")
          } events each, from id ${from}; meanwhile the event list answered ${
            Math.round(loaded.rate)
          } requests/s, p99 ${loaded.p99.toFixed(1)} ms), and after`,
        vitrine: `peak ${mib(peak)}, ${mib(after)} ${settleSeconds} s after`,
        baseline: `the same agent idle before: ${mib(idle)}`,
        ratio: `${(after / idle).toFixed(2)}x after`,
        target: "≤ 1.2x idle within 60 s",
        met: exported === EXPORTS && after <= 1.2 * idle,
      }),
    ];
  } finally {
    await stop(agent);
  }
}

if (import.meta.main) {
  await runAloneSeeded(({ dir, database }) => dashboardLoadBench(dir, database));
}
