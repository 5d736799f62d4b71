// The running agent's memory and CPU, with sending on and off, each against
// a baseline measured in the same run: an idle Deno process for memory, and
// Prometheus's node exporter scraped every second, over the same seconds,
// for CPU.
import type { Row } from "./_measure.ts";
import {
  agentIn,
  available,
  benchSetting,
  cpuOf,
  freePort,
  memoryOf,
  mib,
  row,
  runAlone,
  sleep,
  stop,
} from "./_measure.ts";

const SECONDS = benchSetting("BENCH_AGENT_SECONDS", 30);
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

/** A loopback OTLP receiver that reads every request and answers 200. */
function startSink(): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    await request.arrayBuffer();
    return new Response("{}", { headers: { "content-type": "application/json" } });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    close: () => server.shutdown(),
  };
}

/** The agent at the optional level, collecting every second, over SECONDS, with the node exporter's CPU over the same time. */
async function busyRun(
  dir: string,
  cloud: object,
  exporterUrl: string | null,
  exporterPid: number | null,
): Promise<{ agentCpu: number; exporterCpu: number | null; peak: number }> {
  const agent = await agentIn(dir, {
    cloudService: { diagnosticLevel: "optional", ...cloud },
  }, ["--interval", "1"]);
  try {
    await sleep(WARMUP_MS);
    const scraping = new AbortController();
    const scraper = exporterUrl
      ? scrapeEverySecond(exporterUrl, scraping.signal)
      : Promise.resolve(0);
    const agent0 = cpuOf(agent.pid);
    const exporter0 = exporterPid ? cpuOf(exporterPid) : 0;
    await sleep(SECONDS * 1000);
    const agentCpu = cpuOf(agent.pid) - agent0;
    const exporterCpu = exporterPid ? cpuOf(exporterPid) - exporter0 : null;
    scraping.abort();
    await scraper;
    return { agentCpu, exporterCpu, peak: memoryOf(agent.pid).peak };
  } finally {
    await stop(agent);
  }
}

/** Runs the benchmark in `dir` and returns its rows. */
export async function agentFootprintBench(dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  const idle = await idleDeno(SECONDS * 1000);
  const kernel = Deno.uid() === 0 ? "fanotify" : "inotify (not root)";
  const sink = startSink();
  const port = freePort();
  const exporter = available(NODE_EXPORTER)
    ? new Deno.Command(NODE_EXPORTER, {
      args: [`--web.listen-address=127.0.0.1:${port}`],
      stdout: "null",
      stderr: "null",
    }).spawn()
    : null;
  const exporterUrl = exporter ? `http://127.0.0.1:${port}/metrics` : null;
  try {
    // Sending on (OTLP protobuf, the default encoding) is how an endpoint
    // agent is deployed; sending off is what it costs to collect alone.
    for (
      const [label, cloud, target] of [
        ["sending on (OTLP protobuf)", { enabled: true, serviceUri: sink.url }, 0.5],
        ["sending off", { enabled: false }, 0.35],
      ] as const
    ) {
      const run = await busyRun(
        `${dir}/optional-${target}`,
        cloud,
        exporterUrl,
        exporter?.pid ?? null,
      );
      rows.push(row({
        measure: `CPU, optional level every 1 s, ${label}, ${kernel}, ${SECONDS} s`,
        vitrine: `${(run.agentCpu * 1000 / SECONDS).toFixed(2)} ms/s`,
        baseline: run.exporterCpu === null
          ? `${NODE_EXPORTER} is not installed`
          : `node exporter scraped every 1 s, same ${SECONDS} s: ${
            (run.exporterCpu * 1000 / SECONDS).toFixed(2)
          } ms/s`,
        ratio: run.exporterCpu ? `${(run.agentCpu / run.exporterCpu).toFixed(2)}x` : "—",
        target: `≤ ${target}x`,
        met: run.exporterCpu ? run.agentCpu / run.exporterCpu <= target : null,
      }));
      rows.push(row({
        measure: `peak RSS in that run (${label})`,
        vitrine: mib(run.peak),
        baseline: `idle Deno ${mib(idle.peak)}`,
        ratio: `${(run.peak / idle.peak).toFixed(2)}x`,
        target: "≤ 64 MiB",
        met: run.peak <= 64 * 1048576,
      }));
    }

    // Default settings (required level, one-minute intervals) with sending
    // on; at the first start on a new data directory (which probes the
    // runtime once) and at the next one, as an agent runs after a reboot.
    await Deno.mkdir(`${dir}/default`, { recursive: true });
    for (const start of ["first start", "later starts"]) {
      const calm = await agentIn(`${dir}/default`, {
        cloudService: { enabled: true, serviceUri: sink.url },
      }, []);
      try {
        await sleep(SECONDS * 1000);
        const { rss, anon } = memoryOf(calm.pid);
        rows.push(row({
          measure: `RSS at default settings with sending on, after ${SECONDS} s, ${start}`,
          vitrine: `${mib(rss)} (its own: ${mib(anon)})`,
          baseline: `idle Deno ${mib(idle.rss)} (its own: ${mib(idle.anon)})`,
          ratio: `${(rss / idle.rss).toFixed(2)}x`,
          target: "≤ 60 MiB",
          met: rss <= 60 * 1048576,
        }));
      } finally {
        await stop(calm);
      }
    }
  } finally {
    if (exporter) await stop(exporter);
    await sink.close();
  }
  return rows;
}

if (import.meta.main) await runAlone(agentFootprintBench);
