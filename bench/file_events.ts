// File-activity throughput: a C generator creates distinct files on a
// tmpfs as fast as it can, (1) alone, (2) watched by a small reference
// reader in C (poll, read, count), (3) watched by the agent as `deno task
// start` runs it (jitless), at the optional level. Each watched run reports
// the share of the files that was counted, the kernel queue overflows, and
// the generator's rate as a ratio to its rate alone.
import { DatabaseSync } from "node:sqlite";
import { countersFor, CounterTotals } from "../collectors/file_activity/counter_totals.ts";
import { agentIn, benchSetting, type Row, row, runAlone, sleep, stop } from "./_measure.ts";

const SECONDS = benchSetting("BENCH_SECONDS", 5);
// tmpfs keeps the disk's own variance out of the comparison.
const PARENT = Deno.env.get("BENCH_FILE_DIR") ?? "/dev/shm";
const NATIVE = new URL("./native/", import.meta.url).pathname;
const CREATES = "ipc.kauth.file_op.create";

/** Compiles the native half into `dir`; its path, or why it could not be built. */
export async function build(dir: string): Promise<{ binary: string } | string> {
  const binary = `${dir}/notify_bench`;
  try {
    const result = await new Deno.Command("gcc", {
      args: ["-O2", "-o", binary, `${NATIVE}notify_bench.c`],
      stderr: "piped",
    }).output();
    if (!result.success) return `gcc failed: ${new TextDecoder().decode(result.stderr)}`;
  } catch {
    return "gcc is not installed";
  }
  return { binary };
}

async function flood(binary: string, dir: string): Promise<number> {
  const out = await new Deno.Command(binary, {
    args: ["flood", dir, String(SECONDS)],
    stdout: "piped",
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

/** A fresh directory under PARENT, removed after `work`. */
export async function inFreshDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ dir: PARENT, prefix });
  try {
    return await work(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The C reference reader watching while the generator runs. */
async function withReference(
  native: { binary: string },
  kind: "fanotify" | "inotify",
): Promise<{ made: number; counted: number; overflows: number }> {
  return await inFreshDir("vitrine-bench-c-", async (dir) => {
    const reader = new Deno.Command(native.binary, {
      // The bits vitrine subscribes to, so that both readers see the same events.
      args: [
        "count",
        kind,
        dir,
        String(SECONDS + 30),
        String(new CounterTotals(countersFor(kind)).mask),
      ],
      stdout: "piped",
    }).spawn();
    const lines = reader.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let said = "";
    while (!said.includes("ready")) {
      const next = await lines.read();
      if (next.done) throw new Error(`the reference reader stopped: ${said}`);
      said += next.value;
    }
    const made = await flood(native.binary, dir);
    await sleep(1000);
    reader.kill("SIGTERM");
    while (true) {
      const next = await lines.read();
      if (next.done) break;
      said += next.value;
    }
    await reader.status;
    const [counted, overflows] = said.trim().split("\n").at(-1)!.split(" ").map(Number);
    return { made, counted: counted!, overflows: overflows! };
  });
}

/** The newest kernel_statistics fields the agent in `data` stored. */
function latestCounters(database: string): Record<string, unknown> | null {
  const db = new DatabaseSync(database, { readOnly: true });
  try {
    const row = db.prepare(
      `SELECT s.keys, p.data FROM event e JOIN event_part p ON p.event_id = e.id AND p.tier = 'optional'
       JOIN part_shape s ON s.id = p.shape_id WHERE e.type = 'kernel_statistics' ORDER BY e.id DESC LIMIT 1`,
    ).get() as { keys: string; data: string } | undefined;
    if (!row) return null;
    const keys = JSON.parse(row.keys) as string[];
    const values = row.data.split("\n").map((v) => JSON.parse(v));
    return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
  } catch {
    return null;
  } finally {
    db.close();
  }
}

/** Waits for the agent's counters to hold still for two collections; returns them. */
async function settledCounters(database: string): Promise<Record<string, unknown>> {
  let last = "";
  for (let i = 0; i < 60; i++) {
    await sleep(1000);
    const now = latestCounters(database);
    if (now && JSON.stringify(now) === last) return now;
    last = JSON.stringify(now);
  }
  throw new Error("the agent's file-activity counters never settled");
}

/** The agent, as `deno task start` runs it, watching while the generator runs. */
async function withAgent(
  native: { binary: string },
  kind: "fanotify" | "inotify",
  work: string,
): Promise<{ made: number; counted: number; overflows: number }> {
  return await inFreshDir(`vitrine-bench-${kind}-`, async (dir) => {
    const agent = await agentIn(`${work}/agent-${kind}`, {
      cloudService: { diagnosticLevel: "optional" },
      fileActivity: { paths: [dir] },
    }, ["--interval", "1", "--prefer", kind]);
    try {
      const database = `${work}/agent-${kind}/data/vitrine.db`;
      const before = await settledCounters(database);
      const made = await flood(native.binary, dir);
      const after = await settledCounters(database);
      return {
        made,
        counted: Number(after[CREATES]) - Number(before[CREATES]),
        overflows: Number(after.queue_overflows) - Number(before.queue_overflows),
      };
    } finally {
      await stop(agent);
    }
  });
}

/** Runs the benchmark in `work` and returns its rows. */
export async function fileEventsBench(work: string): Promise<Row[]> {
  const native = await build(work);
  if (typeof native === "string") {
    return [row({
      measure: "file-activity flood",
      vitrine: "not measured",
      baseline: native,
      ratio: "—",
      target: "—",
      met: null,
    })];
  }
  const rows: Row[] = [];
  const kinds: ("fanotify" | "inotify")[] = Deno.uid() === 0
    ? ["fanotify", "inotify"]
    : ["inotify"];
  for (const kind of kinds) {
    // Each watched run right after a run alone, on the same filesystem.
    const aloneForC = await inFreshDir("vitrine-bench-", (dir) => flood(native.binary, dir));
    const reference = await withReference(native, kind);
    const aloneForAgent = await inFreshDir("vitrine-bench-", (dir) => flood(native.binary, dir));
    const agent = await withAgent(native, kind, work);
    const rate = (n: number) => `${Math.round(n / SECONDS).toLocaleString("en-US")}/s`;
    const share = (r: { made: number; counted: number }) =>
      `${(100 * r.counted / r.made).toFixed(2)} %`;
    rows.push(row({
      measure:
        `${kind}: a flood of distinct files (C generator, ${SECONDS} s, tmpfs): share counted, and the generator's rate while watched`,
      vitrine: `${share(agent)} of ${
        agent.made.toLocaleString("en-US")
      } counted, ${agent.overflows} overflows; generator ${rate(agent.made)} (${
        (agent.made / aloneForAgent).toFixed(2)
      }x alone)`,
      baseline: `C reader (poll, read): ${
        share(reference)
      } counted, ${reference.overflows} overflows; generator ${rate(reference.made)} (${
        (reference.made / aloneForC).toFixed(2)
      }x alone); alone ${rate(aloneForAgent)}`,
      ratio: `${((agent.made / aloneForAgent) / (reference.made / aloneForC)).toFixed(2)}x`,
      target: "≥ 99.9 % counted, 0 overflows, slowed no more than by the C reader",
      met: agent.counted >= 0.999 * agent.made && agent.overflows === 0 &&
        agent.made / aloneForAgent >= 0.95 * (reference.made / aloneForC),
    }));
  }
  return rows;
}

if (import.meta.main) await runAlone(fileEventsBench);
