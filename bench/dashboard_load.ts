// Fifty dashboard clients asking for the event list at once for 20 s,
// against the same clients asking for a static file of the same server
// (the baseline): latency under load, the agent's memory at its peak, and
// how soon it comes back to where it was idle.
import type { Row } from "./_measure.ts";
import { available, freePort, memoryOf, mib, row, sleep, startAgent, stop } from "./_measure.ts";

const CLIENTS = 50;
const SECONDS = Number(Deno.env.get("BENCH_LOAD_SECONDS") ?? 20);

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
  await Deno.writeTextFile(
    `${dir}/dashboard/managed.json`,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
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
    // Load the web app once, so that both runs measure serving.
    await (await fetch(`${base}/api/events`)).arrayBuffer();
    await sleep(3000);
    const idle = memoryOf(agent.pid).rss;
    const baseline = await wrk(`${base}/static/favicon.svg`);
    const events = await wrk(`${base}/api/events`);
    const peak = memoryOf(agent.pid).peak;
    await sleep(30_000);
    const after = memoryOf(agent.pid).rss;
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
        measure: `RSS under ${CLIENTS} concurrent dashboard clients, and 30 s after`,
        vitrine: `peak ${mib(peak)}, after ${mib(after)}`,
        baseline: `the same agent idle before: ${mib(idle)}`,
        ratio: `${(after / idle).toFixed(2)}x after`,
        target: "≤ 160 MB peak, ≤ 1.2x idle after 30 s",
        met: peak <= 160 * 1048576 && after <= 1.2 * idle,
      }),
    ];
  } finally {
    await stop(agent);
  }
}
