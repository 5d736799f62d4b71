// The soak: the agent run as the README starts it, at the optional level
// every second, sending to a loopback receiver, while at once files flood
// in, the receiver fails and misbehaves, the policy flips (level, cloud,
// invalid and rewritten files, a FIFO), exports are taken and verified, a
// small size cap evicts, FIFOs appear where ClamAV's databases are, ClamAV
// flags files that stay, vanish, change or are FIFOs (samples go to the
// receiver as the sample store), and the agent is killed with -9 and
// restarted. At the end it checks the invariants, prints them, and exits 1
// (keeping the evidence) when one does not hold.
//
//   deno task soak                 # 10 minutes
//   deno task soak --seconds 75    # the short form the tests run
import { createHash } from "node:crypto";
import { currentPolicy } from "../policy/current_policy.ts";
import { loadIdentity } from "../identity/identity.ts";
import { insertEvents } from "../store/insert_events.ts";
import { openStore } from "../store/open_store.ts";
import { type Receiver, startReceiver } from "../testing/otlp_receiver.ts";
import {
  type AgentProcess,
  killHard,
  rssOf,
  startAgent,
  stopAgent,
  vitrine,
} from "../testing/shipped_agent.ts";
import { startClamd, type TestClamd } from "../testing/clamav.ts";
import { onPath } from "../testing/requires.ts";
import { checkInvariants, waitForDrain } from "./_invariants.ts";
import { type PolicyStep, policySteps, policyText, writeAtomically } from "./_policy_steps.ts";

const args = Deno.args;
const SECONDS = Number(args[args.indexOf("--seconds") + 1] ?? 0) ||
  Number(Deno.env.get("SOAK_SECONDS") ?? 600);
const KEEP = args.includes("--keep");

const work = await Deno.makeTempDir({ prefix: "vitrine-soak-" });
const dataDir = `${work}/data`;
const managed = `${work}/managed.json`;
const floodDir = `${work}/flood`;
const clamavDir = `${work}/clamav`;
const samplesDir = `${work}/samples`;
const log: string[] = [];
const note = (line: string) => {
  const stamped = `${new Date().toISOString()} ${line}`;
  log.push(stamped);
  console.log(stamped);
};

/** Seeds the data directory with some 20 MB, so that the 16 MiB cap evicts. */
async function seed(): Promise<void> {
  const store = await openStore(`${dataDir}/vitrine.db`);
  try {
    const policy = await currentPolicy(store.db, managed);
    const common = { ...(await loadIdentity(store.db, policy)) };
    const start = Date.now() - 86_400_000;
    for (let first = 0; first < 6_000; first += 500) {
      await insertEvents(
        store.db,
        Array.from({ length: 500 }, (_, i) => ({
          type: "system_statistics",
          time: start + (first + i) * 1000,
          common,
          parts: {
            required: { uptime: first + i },
            optional: { "vmstat.pgfault": first + i, note: `${first + i} `.repeat(800) },
          },
        })),
      );
    }
  } finally {
    await store.close();
  }
}

/** What the soak writes in round `round`'s flagged file. */
function sampleContent(round: number): string {
  return `#!/bin/sh\necho soak sample ${round}\n`;
}

/** clamd with a database that flags every round's content, as Soak.Test.Sample-N. */
async function startSoakClamd(): Promise<TestClamd> {
  const databaseDir = `${work}/clamd-db`;
  await Deno.mkdir(databaseDir);
  const rounds = Math.ceil(SECONDS * 1000 / 1500) + 100;
  const lines = Array.from({ length: rounds }, (_, round) => {
    const content = sampleContent(round);
    return `${
      createHash("md5").update(content).digest("hex")
    }:${content.length}:Soak.Test.Sample-${round}`;
  });
  await Deno.writeTextFile(`${databaseDir}/soak.hdb`, `${lines.join("\n")}\n`);
  return await startClamd(work, databaseDir);
}

/** Loops `step` every `everyMs` until `stop` is aborted; errors are noted, never thrown. */
async function every(
  name: string,
  everyMs: number,
  stop: AbortSignal,
  step: (round: number) => Promise<void>,
): Promise<void> {
  for (let round = 0; !stop.aborted; round++) {
    try {
      await step(round);
    } catch (error) {
      note(`${name}: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

// ---------------------------------------------------------------- setup
await Deno.mkdir(dataDir, { recursive: true });
await Deno.mkdir(floodDir);
await Deno.mkdir(clamavDir);
await Deno.mkdir(samplesDir);
let receiver: Receiver = startReceiver();
const receiverPort = receiver.port;
const receivers: Receiver[] = [receiver];
// A clamd of the soak's own confirms the detections: its database flags the
// content of every round the soak can reach (where clamd is missing, no
// detection can be confirmed, and none may leave).
const clamd = onPath("clamd") ? await startSoakClamd() : null;
// Whatever ends the soak ends its clamd too.
globalThis.addEventListener("unload", () => {
  try {
    if (clamd) Deno.kill(clamd.pid, "SIGKILL");
  } catch { /* already stopped */ }
});
const paths = {
  receiverUrl: receiver.url,
  floodDir,
  clamavDir,
  samplesDir,
  clamdSocket: clamd?.socket ?? null,
};
const steps = policySteps(paths);
await writeAtomically(managed, policyText(paths, "optional", true));
note(`soak for ${SECONDS} s in ${work}`);
await seed();
const agentFlags = ["--managed-config", managed, "--interval", "1"];
let agent: AgentProcess = await startAgent(dataDir, agentFlags);
let agentUp = true;
note(`agent started (pid ${agent.pid}, port ${agent.port})`);
await new Promise((resolve) => setTimeout(resolve, 8000));
const idleRss = rssOf(agent.pid);
note(`idle RSS ${(idleRss / 1048576).toFixed(1)} MiB`);

// ------------------------------------------------------------- the load
/** When each policy was written, and what it allowed. */
const policyLog: { at: number; step: PolicyStep }[] = [{ at: 0, step: steps[0]! }];
const health = { requests: 0, slowest: 0, failures: [] as string[] };
const exports = { completed: 0, verified: 0, stopped: 0, failures: [] as string[] };
let kills = 0;
let files = 0;
/** SHA-256 of each suspicious file as ClamAV flagged it, and of the contents that replaced some. */
const samples = { detected: new Set<string>(), replaced: new Set<string>(), lines: 0 };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const load = new AbortController();
const started = Date.now();
const loops = [
  // Bursts of distinct new files where the agent watches.
  every("flood", 3000, load.signal, async (round) => {
    const dir = `${floodDir}/b${round}`;
    await Deno.mkdir(dir);
    const script =
      `for (let i = 0; i < 3000; i++) Deno.openSync("${dir}/f" + i, { write: true, create: true }).close();`;
    await new Deno.Command(Deno.execPath(), { args: ["eval", script] }).output();
    files += 3000;
    if (round % 4 === 3) await Deno.remove(dir, { recursive: true });
  }),
  // The receiver: accepting, failing, throttling, refusing one batch, gone.
  every("receiver", 5000, load.signal, async (round) => {
    const phase = round % 6;
    if (phase === 0) receiver.behave({ kind: "accept" });
    if (phase === 1) receiver.behave({ kind: "status", status: 503, retryAfter: "1" });
    if (phase === 2) receiver.behave({ kind: "status", status: 429, retryAfter: "1", times: 3 });
    if (phase === 3) receiver.behave({ kind: "status", status: 400, times: 1 });
    if (phase === 4) {
      await receiver[Symbol.asyncDispose]();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      receiver = startReceiver(receiverPort);
      receivers.push(receiver);
    }
    if (phase === 5) receiver.behave({ kind: "accept" });
  }),
  // Policy flips.
  every("policy", 6000, load.signal, async (round) => {
    const step = steps[(round + 1) % steps.length]!;
    if (step.name !== "a FIFO as the managed file") await Deno.remove(managed).catch(() => {});
    await step.write(managed);
    policyLog.push({ at: Date.now(), step });
    note(`policy: ${step.name}`);
  }),
  // Exports, each verified.
  every("export", 7000, load.signal, async (round) => {
    const out = `${work}/export-${round}.ndjson`;
    const made = await vitrine([
      "export",
      "--data-dir",
      dataDir,
      "--format",
      "ndjson",
      "--out",
      out,
    ]);
    if (made.code !== 0) {
      // A level lowered while it ran stops it, by design.
      if (/no longer allows/.test(made.stderr)) exports.stopped++;
      else exports.failures.push(`export ${round}: ${made.stderr.trim().slice(0, 300)}`);
      return;
    }
    exports.completed++;
    const checked = await vitrine(["verify", out]);
    if (checked.code === 0) exports.verified++;
    else exports.failures.push(`verify ${round}: ${checked.stderr.trim().slice(0, 300)}`);
    await Deno.remove(out).catch(() => {});
  }),
  // Health, asked all the time: it must always answer.
  every("health", 500, load.signal, async () => {
    if (!agentUp) return;
    const asked = performance.now();
    try {
      const response = await fetch(`http://127.0.0.1:${agent.port}/api/health`, {
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      health.requests++;
      health.slowest = Math.max(health.slowest, performance.now() - asked);
    } catch (error) {
      if (!agentUp) return;
      if ((error as Error).name === "TimeoutError") {
        health.failures.push(`no answer within 10 s at ${new Date().toISOString()}`);
      }
      // A refused connection while the agent restarts is not a hang.
    }
  }),
  // FIFOs that come and go where ClamAV's databases are.
  every("clamav", 4000, load.signal, async (round) => {
    const path = `${clamavDir}/daily.cvd`;
    await Deno.remove(path).catch(() => {});
    if (round % 2 === 0) await new Deno.Command("mkfifo", { args: [path] }).output();
  }),
  // ClamAV flags files: most stay, some vanish, change or are FIFOs; the log rotates.
  every("samples", 1500, load.signal, async (round) => {
    const log = `${samplesDir}/clamd.log`;
    if (round % 11 === 10) await Deno.rename(log, `${log}.1`).catch(() => {});
    const path = `${samplesDir}/s${round}.sh`;
    const content = sampleContent(round);
    if (round % 13 === 12) await new Deno.Command("mkfifo", { args: [path] }).output();
    else {
      await Deno.writeTextFile(path, content);
      samples.detected.add(sha256(content));
    }
    // As clamd writes it with LogTime: "Wed Dec  2 03:20:20 2026".
    const [day, month, date, year, time] = new Date().toString().split(" ");
    const stamp = `${day} ${month} ${date!.replace(/^0/, " ")} ${time} ${year}`;
    // With ExtendedDetectionInfo, as clamd can log: what it saw (MD5 and size).
    const seen = round % 13 === 12
      ? ""
      : `(${createHash("md5").update(content).digest("hex")}:${content.length})`;
    // clamd names a signature of a database of its own with .UNOFFICIAL.
    await Deno.writeTextFile(
      log,
      `${stamp} -> ${path}: Soak.Test.Sample-${round}.UNOFFICIAL${seen} FOUND\n`,
      {
        append: true,
      },
    );
    samples.lines++;
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (round % 5 === 4) await Deno.remove(path).catch(() => {});
    if (round % 7 === 6) {
      const other = `#!/bin/sh\necho replaced ${crypto.randomUUID()}\n`;
      samples.replaced.add(sha256(other));
      await Deno.writeTextFile(path, other);
    }
  }),
  // kill -9 twice along the way, each followed by a restart.
  every("kill", 1000, load.signal, async () => {
    const elapsed = (Date.now() - started) / 1000;
    if (kills < 2 && elapsed > SECONDS * (kills === 0 ? 0.35 : 0.7)) {
      agentUp = false;
      await killHard(agent);
      kills++;
      note(`kill -9 of the agent (pid ${agent.pid})`);
      agent = await startAgent(dataDir, agentFlags, agent.pid);
      agentUp = true;
      note(`agent restarted (pid ${agent.pid}, port ${agent.port})`);
    }
  }),
];
await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
load.abort();
await Promise.all(loops);
note(
  `load stopped: ${files} files made, ${samples.lines} detections, ${kills} kills, ${exports.completed} exports`,
);

// --------------------------------------------------------- settle, check
const stable = steps[0]!;
await Deno.remove(managed).catch(() => {});
await stable.write(managed);
policyLog.push({ at: Date.now(), step: stable });
receiver.behave({ kind: "accept" });
const drained = await waitForDrain(dataDir, 90_000);
let rssAfter = rssOf(agent.pid);
const rssDeadline = Date.now() + 60_000;
while (rssAfter > 1.5 * idleRss && Date.now() < rssDeadline) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  rssAfter = rssOf(agent.pid);
}
const exitCode = await stopAgent(agent);
agentUp = false;

await clamd?.stop();
const verdicts = checkInvariants({
  confirming: clamd !== null,
  dataDir,
  received: receivers.flatMap((r) => r.received),
  puts: receivers.flatMap((r) => r.puts),
  samples,
  policyLog,
  exports,
  health,
  kills,
  drained,
  exitCode,
  idleRss,
  rssAfter,
});
for (const r of receivers) await r[Symbol.asyncDispose]().catch(() => {});
// An agent killed with -9 mid-verdict leaves its clamscan child waiting on a
// FIFO among these databases; under systemd its control group is reaped with
// it, here the soak reaps what it caused.
for (const entry of Deno.readDirSync("/proc")) {
  if (!/^\d+$/.test(entry.name)) continue;
  const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
  if (cmdline.includes(`--database=${clamavDir}`)) {
    try {
      Deno.kill(Number(entry.name), "SIGKILL");
    } catch { /* already gone */ }
  }
}
console.log("\nInvariants:");
for (const verdict of verdicts) {
  console.log(`${verdict.ok ? "ok  " : "FAIL"}  ${verdict.name}: ${verdict.detail}`);
}
const failed = verdicts.filter((verdict) => !verdict.ok);
if (failed.length > 0 || KEEP) {
  await Deno.writeTextFile(`${work}/soak.log`, `${log.join("\n")}\n\n${agent.output()}`);
  console.log(`\nEvidence kept in ${work} (soak.log, the data directory, exports).`);
} else {
  await Deno.remove(work, { recursive: true }).catch(() => {});
}
console.log(`\n${verdicts.length - failed.length} invariants held, ${failed.length} failed`);
Deno.exit(failed.length === 0 ? 0 : 1);
