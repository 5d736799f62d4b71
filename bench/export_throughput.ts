// Exporting 1,000,000 events: records/s, MB/s and peak RSS of
// `vitrine export`, next to `sqlite3 -json` dumping the same rows.
import { report, runMeasured } from "./_measure.ts";
import { benchDatabase } from "./events_query.ts";

const COUNT = Number(Deno.env.get("BENCH_EVENTS") ?? 1_000_000);
const ROOT = new URL("../", import.meta.url).pathname;

/** Runs the benchmark and returns its summary lines. */
export async function exportBench(dir: string): Promise<string[]> {
  const db = `${dir}/vitrine.db`;
  await benchDatabase(db);
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const ours = await runMeasured(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}main.ts`,
    "export",
    "--data-dir",
    dir,
    "--managed-config",
    managed,
    "--format",
    "ndjson",
    "--out",
    `${dir}/export.ndjson`,
  ]);
  const oursBytes = (await Deno.stat(`${dir}/export.ndjson`)).size;
  const query =
    "SELECT e.id, e.type, e.time, c.fields AS common, r.fields AS required, o.fields AS optional FROM event e JOIN common_set c ON c.id = e.common_id LEFT JOIN event_part r ON r.tier = 'required' AND r.event_id = e.id LEFT JOIN event_part o ON o.tier = 'optional' AND o.event_id = e.id ORDER BY e.id";
  const sqlite = await runMeasured(
    "sqlite3",
    ["-json", "-readonly", db, query],
    `${dir}/sqlite.json`,
  );
  const sqliteBytes = (await Deno.stat(`${dir}/sqlite.json`)).size;
  const line = (name: string, r: { seconds: number; peakRss: number }, bytes: number) =>
    report(
      name,
      `${Math.round(COUNT / r.seconds).toLocaleString("en-US")} records/s, ${
        (bytes / 1e6 / r.seconds).toFixed(1)
      } MB/s, peak RSS ${(r.peakRss / 1048576).toFixed(0)} MiB`,
    );
  const lines = [
    line(`vitrine export ndjson (${COUNT} events, hash-chained)`, ours, oursBytes),
    line("baseline: sqlite3 -json of the same rows", sqlite, sqliteBytes),
    report(
      "ratio (vitrine / sqlite3): records/s, peak RSS",
      `${(sqlite.seconds / ours.seconds).toFixed(2)}x, ${
        (ours.peakRss / sqlite.peakRss).toFixed(2)
      }x`,
    ),
  ];
  if (ours.code !== 0) lines.push(report("vitrine export exit code", String(ours.code)));
  await Deno.remove(`${dir}/export.ndjson`);
  await Deno.remove(`${dir}/sqlite.json`);
  return lines;
}

if (import.meta.main) {
  await exportBench(
    Deno.env.get("BENCH_DIR") ?? await Deno.makeTempDir({ prefix: "vitrine-bench-" }),
  );
}
