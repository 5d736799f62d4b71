// The running agent's memory and CPU, each against a baseline measured in
// the same run: an idle Deno process for memory, and Prometheus's
// node exporter scraped every second for CPU.
import type { Row } from "./_measure.ts";
import {
  agentIn,
  available,
  cpuOf,
  freePort,
  memoryOf,
  mib,
  row,
  runAlone,
  sleep,
  stop,
} from "./_measure.ts";

const SECONDS = Number(Deno.env.get("BENCH_AGENT_SECONDS") ?? 30);
const WARMUP_MS = 5000;
const NODE_EXPORTER = "prometheus-node-exporter";

/** An idle Deno process's memory after `ms`. */
async function idleDeno(ms: number): Promise<ReturnType<typeof memoryOf>> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "setInterval(() => {}, 1000)"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await sleep(ms);
  const memory = memoryOf(child.pid);
  await stop(child);
  return memory;
}

/** Scrapes `url` every second until `signal` aborts. */
async function scrapeEverySecond(url: string, signal: AbortSignal): Promise<number> {
  let scrapes = 0;
  while (!signal.aborted) {
    try {
      await (await fetch(url)).arrayBuffer();
      scrapes++;
    } catch {
      // A scrape that fails (the exporter still starting) is simply not counted.
    }
    await sleep(1000);
  }
  return scrapes;
}

/** Runs the benchmark in `dir` and returns its rows. */
export async function agentFootprintBench(dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  const idle = await idleDeno(SECONDS * 1000);
  const kernel = Deno.uid() === 0 ? "fanotify" : "inotify (not root)";

  // Optional level, every collector each second, the kernel reader on.
  await Deno.mkdir(`${dir}/optional`, { recursive: true });
  const busy = await agentIn(`${dir}/optional`, {
    cloudService: { diagnosticLevel: "optional" },
  }, ["--interval", "1"]);
  let exporter: Deno.ChildProcess | null = null;
  let exporterCpu: number | null = null;
  let agentCpu = 0;
  try {
    const port = freePort();
    if (available(NODE_EXPORTER)) {
      exporter = new Deno.Command(NODE_EXPORTER, {
        args: [`--web.listen-address=127.0.0.1:${port}`],
        stdout: "null",
        stderr: "null",
      }).spawn();
    }
    await sleep(WARMUP_MS);
    const scraping = new AbortController();
    const scraper = exporter
      ? scrapeEverySecond(`http://127.0.0.1:${port}/metrics`, scraping.signal)
      : Promise.resolve(0);
    const agent0 = cpuOf(busy.pid);
    const exporter0 = exporter ? cpuOf(exporter.pid) : 0;
    await sleep(SECONDS * 1000);
    agentCpu = cpuOf(busy.pid) - agent0;
    if (exporter) exporterCpu = cpuOf(exporter.pid) - exporter0;
    scraping.abort();
    await scraper;
    const peak = memoryOf(busy.pid).peak;
    rows.push(row({
      measure: `peak RSS, optional level, collecting every 1 s, ${kernel}, ${SECONDS} s`,
      vitrine: mib(peak),
      baseline: `idle Deno ${mib(idle.peak)}`,
      ratio: `${(peak / idle.peak).toFixed(2)}x`,
      target: "≤ 64 MiB",
      met: peak <= 64 * 1048576,
    }));
  } finally {
    await stop(busy);
    if (exporter) await stop(exporter);
  }
  rows.push(row({
    measure: `CPU, optional level every 1 s, over the same ${SECONDS} s`,
    vitrine: `${(agentCpu * 1000 / SECONDS).toFixed(2)} ms/s`,
    baseline: exporterCpu === null
      ? `${NODE_EXPORTER} is not installed`
      : `node exporter scraped every 1 s: ${(exporterCpu * 1000 / SECONDS).toFixed(2)} ms/s`,
    ratio: exporterCpu ? `${(agentCpu / exporterCpu).toFixed(2)}x` : "—",
    target: "≤ 0.5x",
    met: exporterCpu ? agentCpu / exporterCpu <= 0.5 : null,
  }));

  // Default settings: required level, one-minute intervals; at the first
  // start on a new data directory (which probes the runtime once) and at
  // the next one, as an endpoint agent runs for days after a reboot.
  await Deno.mkdir(`${dir}/default`, { recursive: true });
  for (const start of ["first start", "later starts"]) {
    const calm = await agentIn(`${dir}/default`, {}, []);
    try {
      await sleep(SECONDS * 1000);
      const { rss, anon } = memoryOf(calm.pid);
      rows.push(row({
        measure: `RSS at default settings after ${SECONDS} s, ${start}`,
        vitrine: `${mib(rss)} (its own: ${mib(anon)})`,
        baseline: `idle Deno ${mib(idle.rss)} (its own: ${mib(idle.anon)})`,
        ratio: `${(rss / idle.rss).toFixed(2)}x`,
        target: "≤ 56 MiB",
        met: rss <= 56 * 1048576,
      }));
    } finally {
      await stop(calm);
    }
  }
  return rows;
}

if (import.meta.main) await runAlone(agentFootprintBench);
