// Runs every benchmark and prints a summary (deno task bench).
import { agentSteadyBench } from "./agent_steady.ts";
import { eventsQueryBench } from "./events_query.ts";
import { exportBench } from "./export_throughput.ts";
import { fileEventsBench } from "./file_events.ts";
import { systemCollectionBench } from "./system_collection.ts";

const dir = Deno.env.get("BENCH_DIR") ?? await Deno.makeTempDir({ prefix: "vitrine-bench-" });
const sections: [string, () => Promise<string[]>][] = [
  ["System collection", systemCollectionBench],
  ["File-activity throughput", fileEventsBench],
  ["Event queries", () => eventsQueryBench(`${dir}/vitrine.db`)],
  ["Export", () => exportBench(dir)],
  ["Agent at rest", agentSteadyBench],
];
const summary: string[] = [];
for (const [title, run] of sections) {
  console.log(`\n== ${title}`);
  summary.push(`== ${title}`, ...(await run()));
}
console.log(
  `\nSummary (machine: ${Deno.build.target}, ${navigator.hardwareConcurrency} cores)\n${
    summary.join("\n")
  }`,
);
