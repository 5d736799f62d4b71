// Runs every benchmark, each against a baseline measured in the same run,
// and prints the table (deno task bench). Everything it creates goes in one
// temporary directory, removed at the end, whatever happens.
import { agentFootprintBench } from "./agent_footprint.ts";
import { dashboardLoadBench } from "./dashboard_load.ts";
import { eventsQueryBench } from "./events_query.ts";
import { exportBench } from "./export_throughput.ts";
import { fileEventsBench } from "./file_events.ts";
import { kernelCountingBench } from "./kernel_counting.ts";
import { dataDeletionBench } from "./data_deletion.ts";
import { sentLogBench } from "./sent_log.ts";
import { counterSourcesBench } from "./counter_sources.ts";
import { fleetRunBench } from "./fleet_run.ts";
import { forwardingBench } from "./forwarding.ts";
import type { Row } from "./_measure.ts";
import { seedStore } from "./_seed_store.ts";
import { storageFootprintBench } from "./storage_footprint.ts";
import { systemCollectionBench } from "./system_collection.ts";
import { watchdogBudgetBench } from "./watchdog_budget.ts";
import { writePathBench } from "./write_path.ts";
import { benchSetting, rowsTable } from "./_measure.ts";

const COUNT = benchSetting("BENCH_EVENTS", 1_000_000);

function machine(): string {
  const cpu = /model name\s*:\s*(.+)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? "?";
  const memory = Number(/MemTotal:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/meminfo"))?.[1] ?? 0);
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${
    (memory / 1048576).toFixed(0)
  } GiB, Linux ${Deno.osRelease()}, Deno ${Deno.version.deno}, ${
    Deno.uid() === 0 ? "root" : "not root"
  }`;
}

const dir = await Deno.makeTempDir({ prefix: "vitrine-bench-" });
const rows: Row[] = [];
try {
  const sections: [string, () => Promise<Row[]>][] = [
    ["Agent footprint", () => agentFootprintBench(dir)],
    ["Storage footprint", () => storageFootprintBench(dir)],
    ["Write path", () => writePathBench(dir)],
    ["System collection", systemCollectionBench],
    ["File-activity throughput", () => fileEventsBench(dir)],
    ["Kernel counting", () => kernelCountingBench(dir)],
    ["Counters by sensor", () => counterSourcesBench()],
    ["Watchdog budget", () => watchdogBudgetBench(dir)],
    ["Forwarding", () => forwardingBench(dir)],
    ["The log of what left", () => sentLogBench(dir)],
    ["Fleet", () => fleetRunBench(dir)],
    [`Seeding ${COUNT.toLocaleString("en-US")} events`, async () => {
      await Deno.mkdir(`${dir}/seeded`);
      await seedStore(`${dir}/seeded/vitrine.db`, `${dir}/seeded/plain.db`, COUNT);
      return [];
    }],
    ["Event queries", () => eventsQueryBench(`${dir}/seeded/vitrine.db`, COUNT)],
    ["Dashboard under load", () => dashboardLoadBench(dir, `${dir}/seeded/vitrine.db`)],
    ["Export", () => exportBench(`${dir}/seeded`, `${dir}/seeded/plain.db`, COUNT)],
    ["Deleting my data", () => dataDeletionBench(dir, `${dir}/seeded/vitrine.db`, COUNT)],
  ];
  for (const [title, run] of sections) {
    console.log(`\n== ${title}`);
    try {
      rows.push(...(await run()));
    } catch (error) {
      // One broken benchmark is reported and the others still run.
      console.error(`${title} failed: ${(error as Error).stack ?? error}`);
      rows.push({
        measure: title,
        vitrine: "failed",
        baseline: (error as Error).message.slice(0, 120),
        ratio: "—",
        target: "—",
        met: null,
      });
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
console.log(`\nMachine: ${machine()}\n\n${rowsTable(rows)}`);
