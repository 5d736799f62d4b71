// The agent's steady CPU share and RSS at the default intervals, against an
// idle Deno process (the baseline), over the same wall time.
import { report } from "./_measure.ts";

const SECONDS = Number(Deno.env.get("BENCH_STEADY_SECONDS") ?? 60);
const ROOT = new URL("../", import.meta.url).pathname;

function ticks(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  // Task-wide utime and stime (fields 14 and 15 of /proc/pid/stat).
  return Number(fields[11]) + Number(fields[12]);
}

function rss(pid: number): number {
  return Number(
    /^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1] ?? 0,
  ) * 1024;
}

async function measure(args: string[], warmupMs: number): Promise<{ share: number; rss: number }> {
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "null" }).spawn();
  await new Promise((r) => setTimeout(r, warmupMs));
  const t0 = ticks(child.pid);
  const start = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const used = (ticks(child.pid) - t0) / 100;
  const result = { share: used / ((performance.now() - start) / 1000), rss: rss(child.pid) };
  child.kill("SIGTERM");
  await child.status;
  return result;
}

/** Runs the benchmark and returns its summary lines. */
export async function agentSteadyBench(): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "vitrine-steady-" });
  const agent = await measure([
    "run",
    "-A",
    `${ROOT}main.ts`,
    "run",
    "--data-dir",
    dir,
    "--port",
    "0",
    "--managed-config",
    `${dir}/none.json`,
  ], 5000);
  const idle = await measure(["eval", "setInterval(() => {}, 60000)"], 2000);
  await Deno.remove(dir, { recursive: true });
  return [
    report(
      `agent at default intervals over ${SECONDS} s: CPU share`,
      `${(agent.share * 100).toFixed(3)} % of one core, RSS ${
        (agent.rss / 1048576).toFixed(1)
      } MiB`,
    ),
    report(
      "baseline: idle Deno process",
      `${(idle.share * 100).toFixed(3)} %, RSS ${(idle.rss / 1048576).toFixed(1)} MiB`,
    ),
    report("ratio (agent / idle Deno): RSS", `${(agent.rss / idle.rss).toFixed(2)}x`),
  ];
}

if (import.meta.main) await agentSteadyBench();
