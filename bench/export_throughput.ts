// Exporting 1,000,000 events (NDJSON, hash-chained): records/s and peak RSS
// of `vitrine export`, against `sqlite3 -json` dumping the same records as
// plain JSON rows (the baseline), in the same run.
import denoConfig from "../deno.json" with { type: "json" };
import { taskRunFlags } from "../packaging/task_flags.ts";
import { available, mib, ROOT, type Row, row, runAloneSeeded, runMeasured } from "./_measure.ts";

/** Runs the benchmark on the seeded databases in `dir`. */
export async function exportBench(dir: string, plain: string, count: number): Promise<Row[]> {
  const managed = `${dir}/export-managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  // As `deno task vitrine` runs it: its permissions and its runtime flags.
  const flags = taskRunFlags(denoConfig.tasks.vitrine);
  const ours = await runMeasured(Deno.execPath(), [
    "run",
    ...flags,
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
  await Deno.remove(`${dir}/export.ndjson`);
  if (!available("sqlite3")) {
    return [row({
      measure: `export of ${count.toLocaleString("en-US")} events (ndjson, hash chain)`,
      vitrine: `${Math.round(count / ours.seconds)} records/s, peak RSS ${mib(ours.peakRss)}`,
      baseline: "sqlite3 is not installed (apt-get install sqlite3)",
      ratio: "—",
      target: "≥ 1.2x records/s, peak RSS ≤ 128 MiB",
      met: null,
    })];
  }
  const sqlite = await runMeasured(
    "sqlite3",
    ["-json", "-readonly", plain, "SELECT * FROM plain_event ORDER BY id"],
    `${dir}/sqlite.json`,
  );
  const sqliteBytes = (await Deno.stat(`${dir}/sqlite.json`)).size;
  await Deno.remove(`${dir}/sqlite.json`);
  const rate = (seconds: number) => Math.round(count / seconds).toLocaleString("en-US");
  return [row({
    measure: `export of ${count.toLocaleString("en-US")} events (ndjson, hash chain)${
      ours.code === 0 ? "" : `, exit code ${ours.code}`
    }`,
    vitrine: `${rate(ours.seconds)} records/s, ${
      (oursBytes / 1e6 / ours.seconds).toFixed(0)
    } MB/s, peak RSS ${mib(ours.peakRss)}`,
    baseline: `sqlite3 -json of the same records as plain JSON: ${
      rate(sqlite.seconds)
    } records/s, ${(sqliteBytes / 1e6 / sqlite.seconds).toFixed(0)} MB/s, peak RSS ${
      mib(sqlite.peakRss)
    }`,
    ratio: `${(sqlite.seconds / ours.seconds).toFixed(2)}x records/s`,
    target: "≥ 1.2x records/s, peak RSS ≤ 128 MiB",
    met: ours.code === 0 && sqlite.seconds / ours.seconds >= 1.2 && ours.peakRss <= 128 * 1048576,
  })];
}

if (import.meta.main) {
  await runAloneSeeded(({ dir, plain, count }) => exportBench(`${dir}/seeded`, plain, count));
}
