// File events counted per second while a generator creates files in a
// tight loop, against the generator's own rate alone (the baseline).
import { FileActivitySubsystem } from "../collectors/file_activity/file_activity_subsystem.ts";
import { type Row, row } from "./_measure.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
const GENERATOR = new URL("./_file_generator.ts", import.meta.url).pathname;
// tmpfs keeps the disk's own variance out of the comparison.
const PARENT = Deno.env.get("BENCH_FILE_DIR") ?? "/dev/shm";

async function generate(dir: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", GENERATOR, dir, String(SECONDS)],
    stdout: "piped",
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

/** Runs the benchmark and returns its rows. */
export async function fileEventsBench(): Promise<Row[]> {
  const rows: Row[] = [];
  const kinds: ("fanotify" | "inotify")[] = Deno.uid() === 0
    ? ["fanotify", "inotify"]
    : ["inotify"];
  for (const kind of kinds) {
    // The baseline runs right before each measured run, on the same filesystem.
    const baseDir = await Deno.makeTempDir({ dir: PARENT, prefix: "vitrine-bench-" });
    let alone: number;
    try {
      alone = await generate(baseDir);
    } finally {
      await Deno.remove(baseDir, { recursive: true });
    }
    const dir = await Deno.makeTempDir({ dir: PARENT, prefix: `vitrine-bench-${kind}-` });
    const subsystem = new FileActivitySubsystem();
    try {
      await subsystem.start({
        paths: [dir],
        exclusions: [],
        traceLevel: "error",
        observeKernel: true,
        prefer: [kind],
      });
      const generated = await generate(dir);
      await new Promise((r) => setTimeout(r, 2500));
      const fields = subsystem.fields(["required", "optional"]);
      const counted = Number(fields["ipc.kauth.file_op.create"] ?? 0);
      const overflows = Number(fields.queue_overflows ?? 0);
      rows.push(row({
        measure:
          `${kind}: files created per second and counted (drained every second, sooner under a flood)`,
        vitrine: `${Math.round(counted / SECONDS)}/s counted of ${
          Math.round(generated / SECONDS)
        }/s made, ${overflows} overflows`,
        baseline: `the generator alone: ${Math.round(alone / SECONDS)}/s`,
        ratio: `${(counted / alone).toFixed(2)}x`,
        target: "—",
        met: null,
      }));
    } finally {
      await subsystem.stop();
      await Deno.remove(dir, { recursive: true });
    }
  }
  return rows;
}
