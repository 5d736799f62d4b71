// The write path: events as the collectors make them (a system and a
// kernel statistics event a tick, at the optional level, sending on),
// validated, split by tier, encoded and stored with their search text and
// outbox entries, one transaction a tick; against raw node:sqlite storing
// the same events as JSON rows, one transaction a tick, in the same
// process. Both run as the agent runs (no JIT).
import { DatabaseSync } from "node:sqlite";
import { recordEvents } from "../record/record_events.ts";
import { collectSystem } from "../collectors/collect_system.ts";
import { FileActivitySubsystem } from "../collectors/file_activity/file_activity_subsystem.ts";
import { loadIdentity } from "../identity/identity.ts";
import { openStore } from "../store/open_store.ts";
import type { Row } from "./_measure.ts";
import { asAgentRuns, benchSetting, preferencePolicy, row, runAlone } from "./_measure.ts";

const EVENTS = benchSetting("BENCH_WRITE_EVENTS", 4000);
/** Events per transaction: one tick of both collectors. */
const PER_TICK = 2;

/** Events per second of each writer, over the same events. */
async function measure(dir: string): Promise<{ vitrine: number; raw: number }> {
  const policy = preferencePolicy({
    "cloudService.diagnosticLevel": "optional",
    "cloudService.enabled": true,
    "cloudService.serviceUri": "http://127.0.0.1:9",
  });
  const store = await openStore(`${dir}/vitrine.db`);
  const identity = await loadIdentity(store.db, policy);
  const subsystem = new FileActivitySubsystem();
  await subsystem.start({
    paths: [dir],
    exclusions: [],
    traceLevel: "error",
    observeKernel: true,
    prefer: ["fanotify", "inotify"],
    narrowerScope: "the benchmark counts its own directory",
  });
  const events = Array.from(
    { length: EVENTS },
    (_, i) =>
      i % 2 === 0
        ? { type: "system_statistics" as const, fields: collectSystem(["required", "optional"]) }
        : {
          type: "kernel_statistics" as const,
          fields: subsystem.fields(["required", "optional"]),
        },
  );
  await subsystem.stop();
  let started = performance.now();
  for (let i = 0; i < EVENTS; i += PER_TICK) {
    await recordEvents(store.db, identity, policy, events.slice(i, i + PER_TICK));
  }
  const vitrine = EVENTS / ((performance.now() - started) / 1000);
  await store.close();

  const plain = new DatabaseSync(`${dir}/plain.db`);
  plain.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    CREATE TABLE event (id INTEGER PRIMARY KEY, type TEXT, time INTEGER, data TEXT)`);
  const insert = plain.prepare("INSERT INTO event VALUES (NULL, ?, ?, ?)");
  started = performance.now();
  for (let i = 0; i < EVENTS; i += PER_TICK) {
    plain.exec("BEGIN");
    for (const event of events.slice(i, i + PER_TICK)) {
      insert.run(
        event.type,
        Date.now(),
        JSON.stringify({ common: identity, fields: event.fields }),
      );
    }
    plain.exec("COMMIT");
  }
  const raw = EVENTS / ((performance.now() - started) / 1000);
  plain.close();
  return { vitrine, raw };
}

/** Runs the benchmark in `dir` and returns its row. */
export async function writePathBench(dir: string): Promise<Row[]> {
  await Deno.mkdir(`${dir}/write-path`, { recursive: true });
  const { env, args } = asAgentRuns(new URL(import.meta.url).pathname, [
    "--measure",
    `${dir}/write-path`,
  ]);
  const output = await new Deno.Command(Deno.execPath(), { args, env, stderr: "inherit" }).output();
  if (!output.success) throw new Error(`the write-path measurement failed (exit ${output.code})`);
  const rate = JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!) as {
    vitrine: number;
    raw: number;
  };
  return [row({
    measure:
      `write path: ${EVENTS} statistics events, ${PER_TICK} a transaction (validate, split by tier, encode, index, queue), as the agent runs`,
    vitrine: `${Math.round(rate.vitrine)} events/s`,
    baseline: `raw node:sqlite storing the same events as JSON rows: ${
      Math.round(rate.raw)
    } events/s`,
    ratio: `${(rate.vitrine / rate.raw).toFixed(2)}x`,
    target: "≥ 0.5x",
    met: rate.vitrine / rate.raw >= 0.5,
  })];
}

if (import.meta.main) {
  if (Deno.args[0] === "--measure") console.log(JSON.stringify(await measure(Deno.args[1]!)));
  else await runAlone(writePathBench);
}
