// Counting file activity in the kernel, each figure beside a baseline from
// the same run: the eBPF sensor's counts against bpftrace's over one
// workload (and the generator's own count); the agent's CPU and the
// generator's rate under 20,000 files/s with eBPF and with fanotify; the
// agent idle at default settings against the node exporter idle; the agent
// at the optional level every second while processes start, against the
// node exporter scraped every second; and the fanotify fallback under light
// churn against the code before the reader woke on readiness (ec39813^).
import { EbpfSensor } from "../collectors/file_activity/ebpf_sensor.ts";
import { build, inFreshDir } from "./file_events.ts";
import {
  agentIn,
  available,
  benchSetting,
  cpuOf,
  freePort,
  ROOT,
  type Row,
  row,
  runAlone,
  sleep,
  stop,
} from "./_measure.ts";

const SECONDS = benchSetting("BENCH_KERNEL_SECONDS", 20);
const RATE = benchSetting("BENCH_FILE_RATE", 20_000);
/** Idle is measured longer: its CPU is read in 10 ms clock ticks. */
const IDLE_SECONDS = benchSetting("BENCH_IDLE_SECONDS", 60);
const NODE_EXPORTER = "prometheus-node-exporter";
/** The commit whose reader woke on readiness first; its parent is the cost to return to. */
const READINESS_COMMIT = "ec39813";

const ms = (seconds: number, over: number) => `${(seconds * 1000 / over).toFixed(2)} ms/s`;

/** What bpftrace counts, as the sensor's fields name it (the same calls and flags). */
const BPFTRACE_SCRIPT = (exclude: number) => `
BEGIN { printf("ready\\n"); }
tracepoint:syscalls:sys_enter_open /pid != ${exclude}/ { @open = count(); if (args->flags & 64) { @create = count(); } }
tracepoint:syscalls:sys_enter_openat /pid != ${exclude}/ { @open = count(); if (args->flags & 64) { @create = count(); } }
tracepoint:syscalls:sys_enter_openat2 /pid != ${exclude}/ { @open = count(); if (*(uint64 *)uptr(args->how) & 64) { @create = count(); } }
tracepoint:syscalls:sys_enter_creat /pid != ${exclude}/ { @open = count(); @create = count(); }
tracepoint:syscalls:sys_enter_write,tracepoint:syscalls:sys_enter_pwrite64,tracepoint:syscalls:sys_enter_writev,
tracepoint:syscalls:sys_enter_pwritev,tracepoint:syscalls:sys_enter_pwritev2,tracepoint:syscalls:sys_enter_truncate,
tracepoint:syscalls:sys_enter_ftruncate,tracepoint:syscalls:sys_enter_fallocate /pid != ${exclude}/ { @write = count(); }
tracepoint:syscalls:sys_enter_rename,tracepoint:syscalls:sys_enter_renameat,tracepoint:syscalls:sys_enter_renameat2 /pid != ${exclude}/ { @move = count(); }
tracepoint:syscalls:sys_enter_unlink /pid != ${exclude}/ { @remove = count(); }
tracepoint:syscalls:sys_enter_unlinkat /pid != ${exclude} && !(args->flag & 0x200)/ { @remove = count(); }
tracepoint:syscalls:sys_enter_fork,tracepoint:syscalls:sys_enter_vfork /pid != ${exclude}/ { @fork = count(); }
tracepoint:syscalls:sys_enter_clone /pid != ${exclude} && !(args->clone_flags & 0x10000)/ { @fork = count(); }
tracepoint:syscalls:sys_enter_clone3 /pid != ${exclude}/ { if (!(*(uint64 *)uptr(args->uargs) & 0x10000)) { @fork = count(); } }
`;

/** bpftrace's map names and the sensor's fields they match. */
const COMPARED: [string, string][] = [
  ["create", "ipc.kauth.file_op.create"],
  ["open", "ipc.kauth_file_op.open"],
  ["write", "ipc.kauth.vnode.write"],
  ["move", "ipc.kauth.file_op.move"],
  ["remove", "ipc.kauth.file_op.remove"],
  ["fork", "ipc.kauth.file_op.fork"],
];

/** Mounts tracefs where bpftrace looks for tracepoints, if it is not; returns how to undo it. */
async function withTracefs(): Promise<() => Promise<void>> {
  try {
    Deno.statSync("/sys/kernel/tracing/events/syscalls");
    return () => Promise.resolve();
  } catch {
    await new Deno.Command("mount", { args: ["-t", "tracefs", "nodev", "/sys/kernel/tracing"] })
      .output();
    return async () => {
      await new Deno.Command("umount", { args: ["/sys/kernel/tracing"] }).output();
    };
  }
}

/** The workload both count: files created, written, renamed and removed, and processes started. */
async function workload(binary: string, dir: string): Promise<number> {
  const churn = new Deno.Command(binary, {
    args: ["churn", dir, String(SECONDS), "5000"],
    stdout: "piped",
  }).output();
  const shell = new Deno.Command("sh", {
    args: [
      "-c",
      `cd ${dir} && i=0; while [ $i -lt ${
        SECONDS * 20
      } ]; do i=$((i+1)); : > m$i; mv m$i n$i; rm n$i; /bin/true; done`,
    ],
  }).output();
  const [made] = await Promise.all([churn, shell]);
  return Number(new TextDecoder().decode(made.stdout).trim());
}

/** The sensor and bpftrace over the same workload. */
async function countsAgainstBpftrace(binary: string): Promise<Row[]> {
  const unmount = await withTracefs();
  const script = await Deno.makeTempFile({ suffix: ".bt" });
  try {
    await Deno.writeTextFile(script, BPFTRACE_SCRIPT(Deno.pid));
    const peer = new Deno.Command("bpftrace", { args: ["-q", script], stdout: "piped" }).spawn();
    const lines = peer.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let said = "";
    while (!said.includes("ready")) {
      const next = await lines.read();
      if (next.done) throw new Error(`bpftrace stopped: ${said}`);
      said += next.value;
    }
    const sensor = EbpfSensor.open();
    let counted: Record<string, number>;
    let made: number;
    try {
      const before = sensor.totals();
      made = await inFreshDir("vitrine-bench-ebpf-", (dir) => workload(binary, dir));
      const after = sensor.totals();
      counted = Object.fromEntries(COMPARED.map(([, f]) => [f, after[f]! - before[f]!]));
    } finally {
      sensor.close();
    }
    peer.kill("SIGINT");
    while (true) {
      const next = await lines.read();
      if (next.done) break;
      said += next.value;
    }
    await peer.status;
    const peerCounts = Object.fromEntries(
      [...said.matchAll(/^@(\w+): (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    return COMPARED.map(([name, field]) => {
      const ours = counted[field]!;
      const theirs = peerCounts[name] ?? 0;
      const off = theirs === 0 ? Infinity : Math.abs(ours - theirs) / theirs;
      const generator = name === "create" || name === "remove"
        ? `; the generator made ${made.toLocaleString("en-US")} (+ ${SECONDS * 20} by the shell)`
        : "";
      return row({
        measure:
          `eBPF ${name}s over one workload (C churn at 5,000 files/s and a shell, ${SECONDS} s)`,
        vitrine: ours.toLocaleString("en-US"),
        baseline: `bpftrace on the same calls: ${theirs.toLocaleString("en-US")}${generator}`,
        ratio: theirs === 0 ? "—" : `${(ours / theirs).toFixed(4)}x`,
        target: "within 0.1 %",
        met: off <= 0.001,
      });
    });
  } finally {
    await Deno.remove(script).catch(() => {});
    await unmount();
  }
}

/** The generator alone at RATE, then with an agent counting by `sensor`; CPU and rates. */
async function underLoad(binary: string, work: string, sensor: "ebpf" | "fanotify"): Promise<Row> {
  const churn = (dir: string) =>
    new Deno.Command(binary, {
      args: ["churn", dir, String(SECONDS), String(RATE)],
      stdout: "piped",
    })
      .output().then((o) => Number(new TextDecoder().decode(o.stdout).trim()));
  const alone = await inFreshDir("vitrine-bench-alone-", churn);
  return await inFreshDir(`vitrine-bench-${sensor}-`, async (dir) => {
    // Default intervals, at the optional level (where file activity is counted);
    // fanotify marks the generator's filesystem (tmpfs) through its path.
    const agent = await agentIn(`${work}/load-${sensor}`, {
      cloudService: { diagnosticLevel: "optional" },
      ...(sensor === "fanotify" ? { fileActivity: { paths: [dir] } } : {}),
    }, ["--prefer", sensor]);
    try {
      await sleep(3000);
      const cpu0 = cpuOf(agent.pid);
      const made = await churn(dir);
      const cpu = cpuOf(agent.pid) - cpu0;
      return row({
        measure: `${sensor}: agent CPU under ${
          RATE.toLocaleString("en-US")
        } files/s (created, written, removed; ${SECONDS} s), and the generator's rate beside it`,
        vitrine: `${ms(cpu, SECONDS)}; generator ${
          Math.round(made / SECONDS).toLocaleString("en-US")
        }/s`,
        baseline: `generator alone ${Math.round(alone / SECONDS).toLocaleString("en-US")}/s`,
        ratio: `${(made / alone).toFixed(2)}x the rate alone`,
        target: sensor === "ebpf" ? "≤ 10 ms/s and ≥ 0.95x" : "(fanotify, for comparison)",
        met: sensor === "ebpf" ? cpu * 1000 / SECONDS <= 10 && made / alone >= 0.95 : null,
      });
    } finally {
      await stop(agent);
    }
  });
}

/** Wake-ups of a process so far: its threads' context switches (the main thread's for Deno). */
function wakeups(pid: number, mainOnly: boolean): number {
  const tasks = mainOnly
    ? [String(pid)]
    : [...Deno.readDirSync(`/proc/${pid}/task`)].map((e) => e.name);
  let total = 0;
  for (const task of tasks) {
    const status = Deno.readTextFileSync(`/proc/${pid}/task/${task}/status`);
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) {
      total += Number(m[1]);
    }
  }
  return total;
}

/** A node exporter on a free port, or null when it is not installed. */
function nodeExporter(): { child: Deno.ChildProcess; url: string } | null {
  if (!available(NODE_EXPORTER)) return null;
  const port = freePort();
  const child = new Deno.Command(NODE_EXPORTER, {
    args: [`--web.listen-address=127.0.0.1:${port}`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  return { child, url: `http://127.0.0.1:${port}/metrics` };
}

/** The agent at default settings with nothing happening, beside an idle node exporter. */
async function idle(work: string): Promise<Row> {
  const exporter = nodeExporter();
  const agent = await agentIn(`${work}/idle`, {}, []);
  try {
    await sleep(15_000);
    const [cpu0, wake0] = [cpuOf(agent.pid), wakeups(agent.pid, true)];
    const peer0 = exporter ? [cpuOf(exporter.child.pid), wakeups(exporter.child.pid, false)] : null;
    await sleep(IDLE_SECONDS * 1000);
    const cpu = cpuOf(agent.pid) - cpu0;
    const wakes = (wakeups(agent.pid, true) - wake0) / IDLE_SECONDS;
    const peer = exporter && peer0
      ? {
        cpu: cpuOf(exporter.child.pid) - peer0[0]!,
        wakes: (wakeups(exporter.child.pid, false) - peer0[1]!) / IDLE_SECONDS,
      }
      : null;
    return row({
      measure:
        `idle at default settings (required level, 60 s intervals, nothing happening, ${IDLE_SECONDS} s): CPU and wake-ups`,
      vitrine: `${ms(cpu, IDLE_SECONDS)}; ${wakes.toFixed(2)} wake-ups/s of its JavaScript thread`,
      baseline: peer
        ? `node exporter, unscraped: ${ms(peer.cpu, IDLE_SECONDS)}; ${
          peer.wakes.toFixed(2)
        } wake-ups/s`
        : `${NODE_EXPORTER} is not installed`,
      ratio: "—",
      target: "≤ 0.5 ms/s",
      met: cpu * 1000 / IDLE_SECONDS <= 0.5,
    });
  } finally {
    await stop(agent);
    if (exporter) await stop(exporter.child);
  }
}

/** Starts `perSecond` short processes a second until `signal` aborts. */
async function startProcesses(perSecond: number, signal: AbortSignal): Promise<number> {
  let started = 0;
  while (!signal.aborted) {
    const round = performance.now();
    await Promise.all(
      Array.from({ length: perSecond }, () => new Deno.Command("/bin/true").output()),
    );
    started += perSecond;
    await sleep(Math.max(0, 1000 - (performance.now() - round)));
  }
  return started;
}

/** The agent at the optional level every 1 s while processes start, beside the node exporter scraped every 1 s. */
async function busy(work: string): Promise<Row> {
  const exporter = nodeExporter();
  const agent = await agentIn(`${work}/busy`, { cloudService: { diagnosticLevel: "optional" } }, [
    "--interval",
    "1",
  ]);
  const background = new AbortController();
  try {
    await sleep(5000);
    const starting = startProcesses(5, background.signal);
    const scraping = (async () => {
      while (exporter && !background.signal.aborted) {
        await (await fetch(exporter.url)).arrayBuffer().catch(() => {});
        await sleep(1000);
      }
    })();
    const cpu0 = cpuOf(agent.pid);
    const peer0 = exporter ? cpuOf(exporter.child.pid) : 0;
    await sleep(SECONDS * 1000);
    const cpu = cpuOf(agent.pid) - cpu0;
    const peer = exporter ? cpuOf(exporter.child.pid) - peer0 : null;
    background.abort();
    await Promise.all([starting, scraping]);
    return row({
      measure: `optional level every 1 s while 5 processes a second start (${SECONDS} s), eBPF`,
      vitrine: ms(cpu, SECONDS),
      baseline: peer === null
        ? `${NODE_EXPORTER} is not installed`
        : `node exporter scraped every 1 s: ${ms(peer, SECONDS)}`,
      ratio: peer ? `${(cpu / peer).toFixed(2)}x` : "—",
      target: "≤ 0.5x",
      met: peer ? cpu / peer <= 0.5 : null,
    });
  } finally {
    background.abort();
    await stop(agent);
    if (exporter) await stop(exporter.child);
  }
}

/** `ls` started 18 times a second until `signal` aborts. */
async function lightChurn(signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const round = performance.now();
    for (let i = 0; i < 18; i++) {
      await new Deno.Command("ls", { args: ["/usr/bin"], stdout: "null" }).output();
    }
    await sleep(Math.max(0, 1000 - (performance.now() - round)));
  }
}

/** Starts the agent of the worktree `tree` as its own `deno task start` would; its child process. */
async function agentOf(tree: string, dir: string): Promise<Deno.ChildProcess> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/managed.json`,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const config = JSON.parse(await Deno.readTextFile(`${tree}/deno.json`));
  const words = (config.tasks.start as string).split(" ");
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? "")) {
    const [name, value] = words.shift()!.split("=");
    env[name!] = value!;
  }
  const args = words.slice(1).filter((a) => a !== "--exit-with-launcher")
    .map((a) => a === "main.ts" ? `${tree}/main.ts` : a);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...args,
      ...["--data-dir", `${dir}/data`, "--port", String(freePort())],
      ...["--managed-config", `${dir}/managed.json`, "--prefer", "fanotify"],
    ],
    cwd: tree,
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("Dashboard:")) {
    const next = await reader.read();
    if (next.done) throw new Error(`the agent of ${tree} stopped: ${seen}`);
    seen += next.value;
  }
  (async () => {
    while (!(await reader.read()).done);
  })().catch(() => {});
  return child;
}

/** fanotify under light churn: this code against the code before ec39813, in the same run. */
async function fallbackChurn(work: string): Promise<Row> {
  const tree = `${work}/before-readiness`;
  const added = await new Deno.Command("git", {
    args: ["-C", ROOT, "worktree", "add", "--detach", tree, `${READINESS_COMMIT}^`],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!added.success) {
    return row({
      measure: "fanotify under light churn",
      vitrine: "not measured",
      baseline: `git worktree: ${new TextDecoder().decode(added.stderr).trim()}`,
      ratio: "—",
      target: "—",
      met: null,
    });
  }
  try {
    const measure = async (agent: Deno.ChildProcess) => {
      try {
        await sleep(5000);
        const churn = new AbortController();
        const running = lightChurn(churn.signal);
        const cpu0 = cpuOf(agent.pid);
        await sleep(SECONDS * 1000);
        const cpu = cpuOf(agent.pid) - cpu0;
        churn.abort();
        await running;
        return cpu;
      } finally {
        await stop(agent);
      }
    };
    const before = await measure(await agentOf(tree, `${work}/churn-before`));
    const now = await measure(await agentOf(ROOT.replace(/\/$/, ""), `${work}/churn-now`));
    return row({
      measure: `fanotify under light churn (ls 18 times a second, optional level, ${SECONDS} s)`,
      vitrine: ms(now, SECONDS),
      baseline: `the code before ${READINESS_COMMIT}: ${ms(before, SECONDS)}`,
      ratio: `${(now / before).toFixed(2)}x`,
      target: "≤ 1.0x",
      met: now <= before,
    });
  } finally {
    await new Deno.Command("git", { args: ["-C", ROOT, "worktree", "remove", "--force", tree] })
      .output();
  }
}

/** Runs the benchmark in `work` and returns its rows. */
export async function kernelCountingBench(work: string): Promise<Row[]> {
  const rows: Row[] = [];
  const native = await build(work);
  let ebpf: string | null = null;
  try {
    EbpfSensor.open().close();
  } catch (error) {
    ebpf = (error as Error).message;
  }
  const missing = (measure: string, why: string) =>
    row({ measure, vitrine: "not measured", baseline: why, ratio: "—", target: "—", met: null });
  if (typeof native === "string") rows.push(missing("eBPF counts and load", native));
  else if (ebpf !== null) rows.push(missing("eBPF counts and load", `eBPF unavailable: ${ebpf}`));
  else {
    rows.push(
      ...(available("bpftrace")
        ? await countsAgainstBpftrace(native.binary)
        : [missing("eBPF counts against bpftrace", "bpftrace is not installed")]),
    );
    rows.push(await underLoad(native.binary, work, "ebpf"));
    rows.push(await underLoad(native.binary, work, "fanotify"));
  }
  rows.push(await idle(work));
  rows.push(await busy(work));
  rows.push(await fallbackChurn(work));
  return rows;
}

if (import.meta.main) await runAlone(kernelCountingBench);
