// The soak: the agent run as the README starts it, at the optional level
// every second, sending to a loopback receiver, while at once files flood
// in, the receiver fails and misbehaves, the policy flips (level, cloud,
// invalid and rewritten files, a FIFO), exports are taken and verified,
// old data is evicted against a small size cap, FIFOs appear where ClamAV's
// databases are, and the agent is killed with -9 and restarted. At the end
// it checks the invariants, prints them, and exits 1 (keeping the evidence)
// when one does not hold.
//
//   deno task soak                 # 10 minutes
//   deno task soak --seconds 90    # the short form CI runs
import { DatabaseSync } from "node:sqlite";
import { eventSpec } from "../catalog/key_spec.ts";
import { CATALOG } from "../catalog/catalog.ts";
import { currentPolicy } from "../agent/current_policy.ts";
import { loadIdentity } from "../identity/identity.ts";
import { insertEvents } from "../store/insert_events.ts";
import { openStore } from "../store/open_store.ts";
import { CLI_PERMISSIONS, ROOT } from "../tests/_helpers.ts";
import { type Receiver, startReceiver } from "../tests/uplink/_otlp_receiver.ts";
import { type AgentProcess, killHard, rssOf, startAgent, stopAgent } from "./_agent_process.ts";

const args = Deno.args;
const SECONDS = Number(args[args.indexOf("--seconds") + 1] ?? 0) ||
  Number(Deno.env.get("SOAK_SECONDS") ?? 600);
const KEEP = args.includes("--keep");

/** A policy the soak writes, and what it allows. */
interface PolicyStep {
  name: string;
  /** Writes it (to `managed`). */
  write: (managed: string) => Promise<void>;
  optional: boolean;
  sending: boolean;
}

/** One invariant's verdict. */
interface Verdict {
  name: string;
  ok: boolean;
  detail: string;
}

const work = await Deno.makeTempDir({ prefix: "vitrine-soak-" });
const dataDir = `${work}/data`;
const managed = `${work}/managed.json`;
const floodDir = `${work}/flood`;
const clamavDir = `${work}/clamav`;
const log: string[] = [];
const note = (line: string) => {
  const stamped = `${new Date().toISOString()} ${line}`;
  log.push(stamped);
  console.log(stamped);
};

function policyText(receiverUrl: string, level: string, enabled: boolean): string {
  return JSON.stringify({
    cloudService: {
      enabled,
      serviceUri: receiverUrl,
      diagnosticLevel: level,
      timeout: 2,
    },
    connectionRetryTimeout: 2,
    retention: { maxSizeMB: 16 },
    fileActivity: { paths: [floodDir] },
    securityIntelligence: { databaseDirectory: clamavDir, checkInterval: 2 },
  });
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.new`, text);
  await Deno.rename(`${path}.new`, path);
}

function policySteps(url: string): PolicyStep[] {
  const valid = (level: string, enabled: boolean) => (path: string) =>
    writeAtomically(path, policyText(url, level, enabled));
  return [
    { name: "optional, sending", write: valid("optional", true), optional: true, sending: true },
    { name: "required (lowered)", write: valid("required", true), optional: false, sending: true },
    { name: "optional again", write: valid("optional", true), optional: true, sending: true },
    { name: "cloud off", write: valid("optional", false), optional: false, sending: false },
    { name: "optional, sending", write: valid("optional", true), optional: true, sending: true },
    {
      name: "invalid JSON",
      write: (path) => writeAtomically(path, '{"cloudService": {"diagnosticLevel": '),
      optional: false,
      sending: false,
    },
    {
      name: "rewritten in place (empty, then valid)",
      write: async (path) => {
        const file = await Deno.open(path, { write: true, truncate: true, create: true });
        await new Promise((resolve) => setTimeout(resolve, 300));
        await file.write(new TextEncoder().encode(policyText(url, "optional", true)));
        file.close();
      },
      optional: true,
      sending: true,
    },
    {
      name: "a FIFO as the managed file",
      write: async (path) => {
        await Deno.remove(path).catch(() => {});
        await new Deno.Command("mkfifo", { args: [path] }).output();
      },
      optional: false,
      sending: false,
    },
    { name: "optional, sending", write: valid("optional", true), optional: true, sending: true },
  ];
}

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

/** Runs `vitrine ARGS` as `deno task vitrine` does. */
async function vitrine(...command: string[]): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, `${ROOT}main.ts`, ...command],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
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
let receiver: Receiver = startReceiver();
const receiverPort = receiver.port;
const receivers: Receiver[] = [receiver];
const steps = policySteps(receiver.url);
await writeAtomically(managed, policyText(receiver.url, "optional", true));
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
    const made = await vitrine("export", "--data-dir", dataDir, "--format", "ndjson", "--out", out);
    if (made.code !== 0) {
      // A level lowered while it ran stops it, by design.
      if (/no longer allows/.test(made.stderr)) exports.stopped++;
      else exports.failures.push(`export ${round}: ${made.stderr.trim().slice(0, 300)}`);
      return;
    }
    exports.completed++;
    const checked = await vitrine("verify", out);
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
note(`load stopped: ${files} files made, ${kills} kills, ${exports.completed} exports`);

// --------------------------------------------------------- settle, check
const stable = steps[0]!;
await Deno.remove(managed).catch(() => {});
await stable.write(managed);
policyLog.push({ at: Date.now(), step: stable });
receiver.behave({ kind: "accept" });
const verdicts: Verdict[] = [];
const drained = await waitForDrain(90_000);
let rssAfter = rssOf(agent.pid);
const rssDeadline = Date.now() + 60_000;
while (rssAfter > 1.5 * idleRss && Date.now() < rssDeadline) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  rssAfter = rssOf(agent.pid);
}
const exitCode = await stopAgent(agent);
agentUp = false;

async function waitForDrain(ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const db = new DatabaseSync(`${dataDir}/vitrine.db`, { readOnly: true });
    try {
      const row = db.prepare("SELECT coalesce(sum(n), 0) AS n FROM outbox_count").get() as {
        n: number;
      };
      if (Number(row.n) === 0) return true;
    } catch {
      // Busy for a moment.
    } finally {
      db.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

const db = new DatabaseSync(`${dataDir}/vitrine.db`, { readOnly: true });
const scalar = (query: string) => Number((db.prepare(query).get() as { n: number }).n);
const flow = {
  queued: scalar("SELECT n FROM outbox_flow WHERE kind = 'queued'"),
  delivered: scalar("SELECT n FROM outbox_flow WHERE kind = 'delivered'"),
  waiting: scalar("SELECT coalesce(sum(n), 0) AS n FROM outbox_count"),
  lost: scalar("SELECT coalesce(sum(n), 0) AS n FROM outbox_loss"),
};
const losses = db.prepare("SELECT reason, tier, n FROM outbox_loss").all();
const sentIds = (db.prepare("SELECT DISTINCT event_id AS id FROM sent_part").all() as {
  id: number;
}[]).map((row) => Number(row.id));
const crashes = scalar(
  "SELECT count(*) AS n FROM event WHERE type = 'crash'",
);
db.close();
const received = receivers.flatMap((r) => r.received);
const receivedIds = new Set(received.map((record) => record.eventId));

verdicts.push({
  name: "every part queued is delivered, waiting, or counted as unsent",
  ok: flow.queued === flow.delivered + flow.waiting + flow.lost,
  detail:
    `queued ${flow.queued} = delivered ${flow.delivered} + waiting ${flow.waiting} + unsent ${flow.lost} (${
      JSON.stringify(losses)
    })`,
});
const unseen = sentIds.filter((id) => !receivedIds.has(id));
verdicts.push({
  name: "every part the agent says it delivered reached the receiver (at least once)",
  ok: unseen.length === 0 && sentIds.length > 0,
  detail: `${sentIds.length} events delivered, ${unseen.length} of them never received${
    unseen.length ? `: ${unseen.slice(0, 10).join(", ")}` : ""
  }`,
});
verdicts.push({
  name: "the outbox empties once the receiver accepts",
  ok: drained,
  detail: drained ? "empty" : `${flow.waiting} parts still waiting after 90 s`,
});

// Optional fields on the wire while the policy in effect withheld them.
const optionalFields = new Set(
  CATALOG.events.flatMap((event) =>
    event.fields.filter((field) => field.tier === "optional").map((field) =>
      `${event.type} ${field.name}`
    )
  ),
);
const GRACE_MS = 2500;
const policyAt = (at: number) => {
  // A policy written within the grace may not be in effect yet: no verdict then.
  const recent = policyLog.filter((entry) => entry.at <= at);
  const last = recent.at(-1)!;
  return at - last.at < GRACE_MS ? null : last.step;
};
const leaks = received.filter((record) => {
  const step = policyAt(record.at);
  if (step === null) return false;
  if (!step.sending) return true;
  if (step.optional) return false;
  return Object.keys(record.attributes).some((key) =>
    optionalFields.has(`${record.eventName} ${key}`) || (eventSpec(record.eventName as never)
      ?.fields.some((field) => field.tier === "optional" && key.startsWith(`${field.name}.`)) ??
      false)
  );
});
verdicts.push({
  name: "nothing above the policy left while the policy withheld it",
  ok: leaks.length === 0,
  detail:
    `${received.length} records received; ${leaks.length} arrived while their tier (or any sending) was withheld${
      leaks.length
        ? `: ${leaks.slice(0, 5).map((r) => `${r.eventName}#${r.eventId}`).join(", ")}`
        : ""
    }`,
});
verdicts.push({
  name: "every export verifies",
  ok: exports.failures.length === 0 && exports.completed > 0 &&
    exports.verified === exports.completed,
  detail:
    `${exports.completed} completed, ${exports.verified} verified, ${exports.stopped} stopped by a lowered level${
      exports.failures.length ? `; ${exports.failures.join(" | ")}` : ""
    }`,
});
verdicts.push({
  name: "nothing hung: every health request was answered",
  ok: health.failures.length === 0 && health.requests > 0,
  detail: `${health.requests} answered, slowest ${Math.round(health.slowest)} ms${
    health.failures.length ? `; ${health.failures.join(", ")}` : ""
  }`,
});
verdicts.push({
  name: "each kill -9 is recorded at the next start",
  ok: crashes >= kills,
  detail: `${kills} kills, ${crashes} crash records`,
});
verdicts.push({
  name: "the last stop flushed and exited 0",
  ok: exitCode === 0,
  detail: `exit code ${exitCode}`,
});
verdicts.push({
  name: "RSS back near idle (within 1.5x in 60 s)",
  ok: rssAfter <= 1.5 * idleRss,
  detail: `idle ${(idleRss / 1048576).toFixed(1)} MiB, after the load ${
    (rssAfter / 1048576).toFixed(1)
  } MiB`,
});

for (const r of receivers) await r[Symbol.asyncDispose]().catch(() => {});
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
