// Bytes stored per event at the optional level with both collectors every
// second, against the same events stored as plain JSON rows (the baseline);
// and a database held to its size limit while far more is written.
import { DatabaseSync } from "node:sqlite";
import { sql } from "kysely";
import { evictionTotals, keepStorage } from "../agent/storage_keeper.ts";
import { recordEvents } from "../record/record_events.ts";
import { validateAndSplit } from "../catalog/validate_event.ts";
import { collectSystem } from "../collectors/collect_system.ts";
import { FileActivitySubsystem } from "../collectors/file_activity/file_activity_subsystem.ts";
import { loadIdentity } from "../identity/identity.ts";
import { canonicalJson } from "../store/canonical_json.ts";
import { openStore } from "../store/open_store.ts";
import { usedBytes } from "../store/quota_queries.ts";
import type { Row } from "./_measure.ts";
import { benchSetting, mib, preferencePolicy, row, runAlone } from "./_measure.ts";

/** One simulated hour at one-second intervals: a system and a kernel event each second. */
const SECONDS = benchSetting("BENCH_STORAGE_SECONDS", 3600);

async function onDisk(path: string): Promise<number> {
  let bytes = 0;
  for (const suffix of ["", "-wal", "-shm"]) {
    bytes += await Deno.stat(`${path}${suffix}`).then((s) => s.size, () => 0);
  }
  return bytes;
}

const optional = preferencePolicy({ "cloudService.diagnosticLevel": "optional" });

/** Runs the benchmark in `dir` and returns its rows. */
export async function storageFootprintBench(dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  const path = `${dir}/vitrine.db`;
  const store = await openStore(path);
  const empty = await onDisk(path);
  const identity = await loadIdentity(store.db, optional);
  const subsystem = new FileActivitySubsystem();
  await subsystem.start({
    paths: [dir],
    exclusions: [],
    traceLevel: "error",
    observeKernel: true,
    prefer: ["fanotify", "inotify"],
    narrowerScope: "the benchmark counts its own directory",
  });
  const plain = new DatabaseSync(`${dir}/plain.db`);
  plain.exec(`PRAGMA journal_mode = WAL; CREATE TABLE plain_event (id INTEGER PRIMARY KEY,
    type TEXT, time INTEGER, common TEXT, required TEXT, optional TEXT)`);
  const plainEmpty = await onDisk(`${dir}/plain.db`);
  const insertPlain = plain.prepare("INSERT INTO plain_event VALUES (NULL, ?, ?, ?, ?, ?)");
  const start = Date.now() - SECONDS * 1000;
  try {
    for (let second = 0; second < SECONDS; second++) {
      const time = start + second * 1000;
      const events = [
        {
          type: "system_statistics" as const,
          fields: collectSystem(["required", "optional"]),
          time,
        },
        {
          type: "kernel_statistics" as const,
          fields: subsystem.fields(["required", "optional"]),
          time,
        },
      ];
      await recordEvents(store.db, identity, optional, events);
      for (const event of events) {
        const parts = validateAndSplit(event.type, event.fields);
        insertPlain.run(
          event.type,
          time,
          canonicalJson(identity),
          canonicalJson(parts.required),
          parts.optional ? canonicalJson(parts.optional) : null,
        );
      }
    }
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    plain.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const events = SECONDS * 2;
    const ours = ((await onDisk(path)) - empty) / events;
    const baseline = ((await onDisk(`${dir}/plain.db`)) - plainEmpty) / events;
    rows.push(row({
      measure:
        `stored bytes per event, optional level, both collectors every 1 s (${events} events, database + WAL)`,
      vitrine: `${Math.round(ours)} B`,
      baseline: `the same events as plain JSON rows: ${Math.round(baseline)} B`,
      ratio: `${(ours / baseline).toFixed(2)}x`,
      target: "≤ 2,048 B",
      met: ours <= 2048,
    }));
  } finally {
    await subsystem.stop();
    plain.close();
    await store.close();
  }
  rows.push(await sizeLimitRow(dir, identity));
  return rows;
}

/** Writes three times the limit's worth of events and holds the database to the limit as the agent does. */
async function sizeLimitRow(
  dir: string,
  identity: Awaited<ReturnType<typeof loadIdentity>>,
): Promise<Row> {
  const limitMiB = 16;
  const policy = preferencePolicy({
    "cloudService.diagnosticLevel": "optional",
    "retention.maxSizeMB": limitMiB,
  });
  const path = `${dir}/capped.db`;
  const store = await openStore(path);
  let written = 0;
  let largest = 0;
  try {
    const fields = collectSystem(["required", "optional"]);
    while (written < 3 * limitMiB * 1024 * 1024) {
      const before = await usedBytes(store.db);
      const batch = Array.from({ length: 500 }, (_, i) => ({
        type: "system_statistics" as const,
        fields: { ...fields, uptime: written + i },
      }));
      await recordEvents(store.db, identity, policy, batch);
      written += (await usedBytes(store.db)) - before;
      // The agent's size task, which runs every minute; here every 500
      // events: evict, give free pages back, empty the write-ahead log.
      await keepStorage(
        store.db,
        policy,
        (events) => recordEvents(store.db, identity, policy, events),
      );
      largest = Math.max(largest, await onDisk(path));
    }
    const totals = await evictionTotals(store.db);
    return row({
      measure:
        `disk use while three times a ${limitMiB} MiB limit is written (retention.maxSizeMB)`,
      vitrine: `at most ${
        mib(largest)
      } on disk; evicted ${totals.optional} optional and ${totals.required} required records`,
      baseline: `written without a limit: ${mib(written)}`,
      ratio: `${(largest / written).toFixed(2)}x`,
      target: "a size cap, tier-ordered eviction",
      met: largest <= limitMiB * 1024 * 1024 * 1.1 && totals.optional > 0,
    });
  } finally {
    await store.close();
  }
}

if (import.meta.main) await runAlone(storageFootprintBench);
