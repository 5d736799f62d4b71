// Deleting a machine's diagnostic data with 1,000,000 stored events, on the
// agent as `deno task start` runs it: how long the deletion takes, and how
// the agent answers health meanwhile, against its answers just before in
// the same run. The seeded database is copied first (the other benchmarks
// read it), and the copy is removed at the end.
import {
  freePort,
  quantile,
  type Row,
  row,
  runAloneSeeded,
  sleep,
  startAgent,
  stop,
} from "./_measure.ts";
import { ROOT } from "./_measure.ts";
import { CLI_PERMISSIONS } from "../testing/run_cli.ts";

/** Health asked every 100 ms until `signal` aborts; each answer's time. */
async function askHealth(port: number, signal: AbortSignal): Promise<number[]> {
  const times: number[] = [];
  while (!signal.aborted) {
    const started = performance.now();
    try {
      await (await fetch(`http://127.0.0.1:${port}/api/health`)).arrayBuffer();
      times.push(performance.now() - started);
    } catch {
      times.push(Infinity);
    }
    await sleep(100);
  }
  return times;
}

/** Runs the benchmark on a copy of the seeded database `database` (`count` events), in `dir`. */
export async function dataDeletionBench(
  dir: string,
  database: string,
  count: number,
): Promise<Row[]> {
  const work = `${dir}/deletion`;
  await Deno.mkdir(`${work}/data`, { recursive: true });
  try {
    await Deno.copyFile(database, `${work}/data/vitrine.db`);
    const port = freePort();
    await Deno.writeTextFile(`${work}/managed.json`, "{}");
    const agent = await startAgent([
      ...["--data-dir", `${work}/data`, "--port", String(port)],
      ...["--managed-config", `${work}/managed.json`],
    ]);
    try {
      const quiet = new AbortController();
      const idle = askHealth(port, quiet.signal);
      await sleep(5000);
      quiet.abort();
      const before = await idle;
      const busy = new AbortController();
      const during = askHealth(port, busy.signal);
      const started = performance.now();
      const deleted = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          ...CLI_PERMISSIONS,
          `${ROOT}main.ts`,
          "data",
          "delete",
          "--actor",
          "benchmark",
          "--data-dir",
          `${work}/data`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const seconds = (performance.now() - started) / 1000;
      busy.abort();
      const answers = await during;
      if (!deleted.success) throw new Error(new TextDecoder().decode(deleted.stderr));
      const p = (values: number[], q: number) => quantile(values, q).toFixed(1);
      return [
        row({
          measure: `deleting ${
            count.toLocaleString("en-US")
          } stored events (vitrine data delete, through the running agent)`,
          vitrine: `${seconds.toFixed(1)} s`,
          baseline: "—",
          ratio: "—",
          target: "(measured)",
          met: null,
        }),
        row({
          measure: "health answers while it deletes (every 100 ms): p50 / p99 / slowest",
          vitrine: `${p(answers, 0.5)} / ${p(answers, 0.99)} / ${
            Math.max(...answers).toFixed(0)
          } ms`,
          baseline: `just before: ${p(before, 0.5)} / ${p(before, 0.99)} / ${
            Math.max(...before).toFixed(0)
          } ms`,
          ratio: `${(quantile(answers, 0.99) / quantile(before, 0.99)).toFixed(1)}x at p99`,
          target: "(measured: the agent answers while it deletes)",
          met: null,
        }),
      ];
    } finally {
      await stop(agent);
    }
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  await runAloneSeeded((seeded) => dataDeletionBench(seeded.dir, seeded.database, seeded.count));
}
