// Measurement helpers for the benchmark scripts.
import denoConfig from "../deno.json" with { type: "json" };
import { getrusage } from "../ffi/rusage.ts";
import { combinePolicy } from "../policy/combine_policy.ts";
import type { Policy } from "../policy/policy.ts";
import { wholeNumber } from "../input/whole_number.ts";

/**
 * A benchmark's size from the environment variable `name` (a whole number
 * of at least 1), or `fallback` where it is not set; a wrong value stops
 * the benchmark with its name rather than measuring nothing.
 */
export function benchSetting(name: string, fallback: number): number {
  const text = Deno.env.get(name);
  return text === undefined ? fallback : wholeNumber(name, text, 1, Number.MAX_SAFE_INTEGER);
}

/** The repository root. */
export const ROOT = new URL("../", import.meta.url).pathname;

/** CPU seconds (user + system) of this process. */
export function cpuSelf(): number {
  const u = getrusage("self");
  return u.userCpuSeconds + u.systemCpuSeconds;
}

/** CPU seconds of waited-for children. */
export function cpuChildren(): number {
  const u = getrusage("children");
  return u.userCpuSeconds + u.systemCpuSeconds;
}

/** The q-quantile of `values`. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** CPU seconds used so far by process `pid` and its threads. */
export function cpuOf(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  // utime and stime, fields 14 and 15 of /proc/pid/stat, in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Resident memory of `pid` now (VmRSS), at its peak (VmHWM), and the part
 * of it that is the process's own (RssAnon: not code or files mapped from
 * disk, which the kernel can drop and share), in bytes.
 */
export function memoryOf(pid: number): { rss: number; peak: number; anon: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { rss: kib("VmRSS") * 1024, peak: kib("VmHWM") * 1024, anon: kib("RssAnon") * 1024 };
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The environment and arguments of `deno task start` (which runs `vitrine
 * run`), with `extra` flags after it.
 */
export function agentCommand(extra: string[]): { env: Record<string, string>; args: string[] } {
  const words = denoConfig.tasks.start.split(" ");
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? "")) {
    const [name, value] = words.shift()!.split("=");
    env[name!] = value!;
  }
  // The benchmark owns its agents: they must not follow whatever launched it.
  const args = words.slice(1).filter((arg) => arg !== "--exit-with-launcher")
    .map((arg) => arg === "main.ts" ? `${ROOT}main.ts` : arg);
  return { env, args: [...args, ...extra] };
}

/**
 * The command that runs `script` (with `args`) under the agent's runtime
 * settings (those of `deno task start`): for measuring the agent's own code
 * outside the agent, as it runs there (without a JIT, say).
 */
export function asAgentRuns(
  script: string,
  args: string[],
): { env: Record<string, string>; args: string[] } {
  const { env, args: words } = agentCommand([]);
  const at = words.indexOf(`${ROOT}main.ts`);
  return { env, args: [...words.slice(0, at), script, ...args] };
}

/** Starts the agent as `deno task start` does; resolves once it serves. */
export async function startAgent(extra: string[]): Promise<Deno.ChildProcess> {
  const { env, args } = agentCommand(extra);
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("Dashboard:")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The agent stopped before serving: ${seen}`);
    seen += value;
  }
  // Keep draining its messages so that it never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done);
  })().catch(() => {});
  return child;
}

/**
 * Starts an agent on `dir/data` under the managed policy `managed` (written
 * to `dir/managed.json`), on a free port, with `extra` flags.
 */
export async function agentIn(
  dir: string,
  managed: object,
  extra: string[],
): Promise<Deno.ChildProcess> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/managed.json`, JSON.stringify(managed));
  return await startAgent([
    "--data-dir",
    `${dir}/data`,
    "--port",
    String(freePort()),
    "--managed-config",
    `${dir}/managed.json`,
    ...extra,
  ]);
}

/** Stops a child with SIGTERM and waits for it. */
export async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await child.status;
}

/** A free TCP port on loopback. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Whether `command` can be run here. */
export function available(command: string): boolean {
  try {
    new Deno.Command(command, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}

/** Runs a command to its end, with its peak RSS and wall time. */
export async function runMeasured(
  command: string,
  args: string[],
  stdoutPath?: string,
): Promise<{ seconds: number; peakRss: number; code: number }> {
  const started = performance.now();
  const child = new Deno.Command(command, {
    args,
    stdout: stdoutPath ? "piped" : "null",
    stderr: "null",
  }).spawn();
  let peak = 0;
  const poll = setInterval(() => {
    try {
      peak = Math.max(peak, memoryOf(child.pid).peak);
    } catch {
      // The child has ended.
    }
  }, 20);
  if (stdoutPath) {
    const file = await Deno.open(stdoutPath, { write: true, create: true, truncate: true });
    await child.stdout.pipeTo(file.writable);
  }
  const status = await child.status;
  clearInterval(poll);
  return { seconds: (performance.now() - started) / 1000, peakRss: peak, code: status.code };
}

/** One row of the benchmark table: what was measured against what, and the target. */
export interface Row {
  measure: string;
  vitrine: string;
  baseline: string;
  /** vitrine / baseline, or a figure that stands alone. */
  ratio: string;
  target: string;
  met: boolean | null;
}

/** Prints a row as it is measured and returns it for the summary. */
export function row(r: Row): Row {
  console.log(
    `${r.measure}: ${r.vitrine} | baseline ${r.baseline} | ${r.ratio} | target ${r.target} | ${
      r.met === null ? "not measured" : r.met ? "met" : "NOT met"
    }`,
  );
  return r;
}

/** Mebibytes, one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** The rows as the README's table (Markdown). */
export function rowsTable(rows: Row[]): string {
  const cell = (text: string) => text.replaceAll("|", "/");
  return [
    "| measure | vitrine | baseline (same run) | ratio | target | |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${cell(r.measure)} | ${cell(r.vitrine)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${
        cell(r.target)
      } | ${r.met === null ? "" : r.met ? "met" : "not met"} |`
    ),
  ].join("\n");
}

/**
 * Runs one benchmark on its own (`deno run -A bench/x.ts`) in a temporary
 * directory that is removed afterwards, whatever happens, and prints its rows.
 */
export async function runAlone(bench: (dir: string) => Promise<Row[]>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vitrine-bench-" });
  try {
    console.log(`\n${rowsTable(await bench(dir))}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs on its own a benchmark that reads a seeded database: BENCH_EVENTS
 * events (as `deno task bench` seeds them) in `dir`/seeded/vitrine.db, with
 * the same records as plain JSON rows in `dir`/seeded/plain.db.
 */
export function runAloneSeeded(
  bench: (
    seeded: { dir: string; database: string; plain: string; count: number },
  ) => Promise<Row[]>,
): Promise<void> {
  return runAlone(async (dir) => {
    const { seedStore } = await import("./_seed_store.ts");
    const count = benchSetting("BENCH_EVENTS", 1_000_000);
    const seeded = `${dir}/seeded`;
    await Deno.mkdir(seeded);
    await seedStore(`${seeded}/vitrine.db`, `${seeded}/plain.db`, count);
    return await bench({
      dir,
      database: `${seeded}/vitrine.db`,
      plain: `${seeded}/plain.db`,
      count,
    });
  });
}

/** The policy of local preferences `preferences` (keys as in `vitrine config keys`), with no managed file. */
export function preferencePolicy(preferences: Record<string, unknown> = {}): Policy {
  return combinePolicy(
    "/nonexistent",
    { state: "absent", values: new Map(), problems: [] },
    new Map(Object.entries(preferences)),
  );
}
