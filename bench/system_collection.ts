// CPU time of one full system collection cycle, against reading the same
// /proc files with cat (the baseline), in the same run.
import { collectSystem } from "../collectors/collect_system.ts";
import { benchSetting, cpuChildren, cpuSelf, type Row, row, runAlone } from "./_measure.ts";

const ROUNDS = benchSetting("BENCH_ROUNDS", 200);
const FILES = [
  "/proc/meminfo",
  "/proc/stat",
  "/proc/vmstat",
  "/proc/self/mountinfo",
  "/proc/pressure/cpu",
  "/proc/pressure/memory",
  "/proc/pressure/io",
].filter((f) => {
  try {
    Deno.statSync(f);
    return true;
  } catch {
    return false;
  }
});

/** Runs the benchmark and returns its rows. */
export async function systemCollectionBench(): Promise<Row[]> {
  collectSystem(["required", "optional"]);
  const before = cpuSelf();
  for (let i = 0; i < ROUNDS; i++) collectSystem(["required", "optional"]);
  const ours = (cpuSelf() - before) / ROUNDS;
  const childBefore = cpuChildren();
  for (let i = 0; i < ROUNDS; i++) {
    await new Deno.Command("cat", { args: FILES, stdout: "null" }).output();
  }
  const cat = (cpuChildren() - childBefore) / ROUNDS;
  return [row({
    measure: "one system collection at the optional level, CPU",
    vitrine: `${(ours * 1000).toFixed(3)} ms`,
    baseline: `cat of the same /proc files: ${(cat * 1000).toFixed(3)} ms`,
    ratio: `${(ours / cat).toFixed(2)}x`,
    target: "—",
    met: null,
  })];
}

if (import.meta.main) await runAlone(() => systemCollectionBench());
