// File events counted per second while a generator creates files in a
// tight loop, against the generator's own rate alone (the baseline).
import { FileActivitySubsystem } from "../collectors/file_activity_subsystem.ts";
import { report } from "./_measure.ts";

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

/** Runs the benchmark and returns its summary lines. */
export async function fileEventsBench(): Promise<string[]> {
  const lines: string[] = [];
  const kinds: ("fanotify" | "inotify")[] = Deno.uid() === 0
    ? ["fanotify", "inotify"]
    : ["inotify"];
  for (const kind of kinds) {
    // The baseline runs right before each measured run, on the same filesystem.
    const baseDir = await Deno.makeTempDir({ dir: PARENT, prefix: "vitrine-bench-" });
    const alone = await generate(baseDir);
    await Deno.remove(baseDir, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: PARENT, prefix: `vitrine-bench-${kind}-` });
    const subsystem = new FileActivitySubsystem();
    await subsystem.start({
      paths: [dir],
      exclusions: [],
      traceLevel: "error",
      observeKernel: true,
      prefer: [kind],
    });
    const generated = await generate(dir);
    await new Promise((r) => setTimeout(r, 1000));
    const fields = subsystem.fields(["required", "optional"]);
    subsystem.stop();
    await Deno.remove(dir, { recursive: true });
    const counted = Number(fields["ipc.kauth.file_op.create"] ?? 0);
    const overflows = Number(fields.queue_overflows ?? 0);
    lines.push(
      report(
        `${kind} baseline: generator alone, files per second`,
        `${Math.round(alone / SECONDS)}/s`,
      ),
      report(
        `${kind}: generator with the subsystem on, files per second`,
        `${Math.round(generated / SECONDS)}/s`,
      ),
      report(
        `${kind}: creates counted per second`,
        `${Math.round(counted / SECONDS)}/s, ${overflows} overflows (${
          (counted / generated * 100).toFixed(1)
        } % of generated)`,
      ),
      report(`${kind}: counted rate / generator-alone rate`, `${(counted / alone).toFixed(2)}x`),
    );
  }
  return lines;
}

if (import.meta.main) await fileEventsBench();
