// The resource watchdog under a sustained load: a C program creates,
// writes and removes files at a steady rate where the agent (as `deno task
// start` runs it, at the optional level) counts file activity, long enough
// for the watchdog to shed every stage. The agent's CPU with the default
// budget is set beside the same run with a budget it never reaches.
import { DatabaseSync } from "node:sqlite";
import { build, inFreshDir } from "./file_events.ts";
import { agentIn, benchSetting, cpuOf, type Row, row, runAlone, sleep, stop } from "./_measure.ts";

const SECONDS = benchSetting("BENCH_CHURN_SECONDS", 120);
const RATE = benchSetting("BENCH_CHURN_RATE", 20_000);
/** The last part of the run, when every stage is shed (the window is 30 s). */
const TAIL_SECONDS = 25;

interface Measured {
  made: number;
  /** Agent CPU per second of wall time (ms/s), over the whole run and its tail. */
  whole: number;
  tail: number;
  stages: string[];
}

/** What the watchdog recorded in `database`: each step's stage. */
function stepsIn(database: string): string[] {
  const db = new DatabaseSync(database, { readOnly: true });
  try {
    const rows = db.prepare(
      `SELECT s.keys, p.data FROM event e JOIN event_part p ON p.event_id = e.id AND p.tier = 'required'
       JOIN part_shape s ON s.id = p.shape_id WHERE e.type = 'watchdog_action' ORDER BY e.id`,
    ).all() as { keys: string; data: string }[];
    return rows.map((r) => {
      const keys = JSON.parse(r.keys) as string[];
      const values = r.data.split("\n").map((v) => JSON.parse(v));
      return String(values[keys.indexOf("stage")]);
    });
  } finally {
    db.close();
  }
}

async function churnWatched(
  binary: string,
  work: string,
  name: string,
  maxCpuPercent: number,
): Promise<Measured> {
  return await inFreshDir("vitrine-bench-churn-", async (dir) => {
    const home = `${work}/watchdog-${name}`;
    const agent = await agentIn(home, {
      cloudService: { diagnosticLevel: "optional" },
      fileActivity: { paths: [dir] },
      watchdog: { maxCpuPercent },
    }, ["--interval", "1"]);
    try {
      await sleep(3000);
      const generator = new Deno.Command(binary, {
        args: ["churn", dir, String(SECONDS), String(RATE)],
        stdout: "piped",
      }).spawn();
      const startedAt = performance.now();
      const cpuStart = cpuOf(agent.pid);
      await sleep((SECONDS - TAIL_SECONDS) * 1000);
      const tailAt = performance.now();
      const cpuTail = cpuOf(agent.pid);
      const made = Number(new TextDecoder().decode((await generator.output()).stdout).trim());
      const endAt = performance.now();
      const cpuEnd = cpuOf(agent.pid);
      return {
        made,
        whole: (cpuEnd - cpuStart) * 1e6 / (endAt - startedAt),
        tail: (cpuEnd - cpuTail) * 1e6 / (endAt - tailAt),
        stages: stepsIn(`${home}/data/vitrine.db`),
      };
    } finally {
      await stop(agent);
    }
  });
}

/** Runs the benchmark in `work` and returns its row. */
export async function watchdogBudgetBench(work: string): Promise<Row[]> {
  const native = await build(work);
  const measure = `agent CPU under a sustained file churn (${
    RATE.toLocaleString("en-US")
  } files/s created, written and removed for ${SECONDS} s), optional level`;
  if (typeof native === "string") {
    return [
      row({
        measure,
        vitrine: "not measured",
        baseline: native,
        ratio: "—",
        target: "—",
        met: null,
      }),
    ];
  }
  const unlimited = await churnWatched(native.binary, work, "unlimited", 200);
  const budgeted = await churnWatched(native.binary, work, "budget", 25);
  const ms = (n: number) => `${n.toFixed(0)} ms/s`;
  return [row({
    measure,
    vitrine: `default budget (25 % of a core): ${ms(budgeted.whole)} over the run, ${
      ms(budgeted.tail)
    } over its last ${TAIL_SECONDS} s; steps: ${budgeted.stages.join(" → ") || "none"}`,
    baseline: `a budget never reached (200 %): ${ms(unlimited.whole)} over the run, ${
      ms(unlimited.tail)
    } over its last ${TAIL_SECONDS} s; steps: ${unlimited.stages.join(" → ") || "none"}`,
    ratio: `${(budgeted.tail / unlimited.tail).toFixed(2)}x (last ${TAIL_SECONDS} s)`,
    target: "—",
    met: null,
  })];
}

if (import.meta.main) await runAlone(watchdogBudgetBench);
