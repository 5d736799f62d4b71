// Which seed counters each sensor counts, measured: every sensor this
// machine can run (eBPF, fanotify, inotify) watches one workload that does
// each operation the counters name, and each counter is reported as
// counted (it moved), approximated (it moved, and the catalogue says how it
// differs), unavailable (null: the sensor cannot see it) or silent (it
// should have moved and did not: a fault). Prints the README's table;
// `deno task bench` reports one row per sensor.
import { eventSpec } from "../catalog/key_spec.ts";
import { FileActivitySubsystem } from "../collectors/file_activity/file_activity_subsystem.ts";
import { SENSOR_KINDS, type SensorKind } from "../collectors/file_activity/kernel_source.ts";
import { type Row, row, runAlone, sleep } from "./_measure.ts";

/** Counters the workload cannot make move on any sensor here (no permission decisions, …). */
const NOT_EXERCISED = new Set(["ipc.kauth.vnode.read_sec"]);

/** Every operation a counter names, done by programs (the sensor leaves out its own process). */
function script(dir: string): string {
  return [
    `cd ${dir}`,
    ": > a; echo x >> a; cat a > /dev/null; chmod 600 a; chown 0:0 a; touch -m a",
    "setfattr -n user.v -v 1 a 2>/dev/null || python3 -c \"import os; os.setxattr('a', 'user.v', b'1')\"",
    "getfattr -n user.v a >/dev/null 2>&1 || python3 -c \"import os; os.getxattr('a', 'user.v')\"",
    "stat a > /dev/null; ln a b; mv b c; rm c; mkdir d; rmdir d; cp /bin/true t; ./t",
    // m was mounted before the sensor started (inotify hears an unmount of what it watches).
    "umount m; mkdir n && mount -t tmpfs none n && umount n; rmdir n",
  ].join("; ");
}

type Verdict = "counted" | "approximated" | "unavailable" | "silent";

/** Runs the workload under `kind`; each counter's verdict, or why the sensor could not start. */
async function measure(kind: SensorKind): Promise<Map<string, Verdict> | string> {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "vitrine-counters-" });
  const subsystem = new FileActivitySubsystem();
  await Deno.mkdir(`${dir}/m`);
  await new Deno.Command("mount", { args: ["-t", "tmpfs", "none", `${dir}/m`] }).output();
  try {
    await subsystem.start({
      paths: kind === "ebpf" ? ["/"] : [dir],
      exclusions: [],
      traceLevel: "error",
      observeKernel: true,
      prefer: [kind],
      narrowerScope: null,
    });
    if (subsystem.status().subsystem !== kind) return subsystem.status().problems.join("; ");
    const before = subsystem.fields(["required", "optional"]) as Record<string, unknown>;
    await new Deno.Command("sh", { args: ["-c", script(dir)], stderr: "null" }).output();
    await sleep(1500); // fanotify and inotify drain in batches of at most 250 ms
    const after = subsystem.fields(["required", "optional"]) as Record<string, unknown>;
    const verdicts = new Map<string, Verdict>();
    for (const field of eventSpec("kernel_statistics")?.fields ?? []) {
      const source = field.source;
      if (!source || source.maskOf || source.reader) continue;
      const now = after[field.name];
      if (now === null || now === undefined) verdicts.set(field.name, "unavailable");
      else if ((now as number) > (before[field.name] as number)) {
        verdicts.set(
          field.name,
          kind === "ebpf" && source.ebpf?.approximation ? "approximated" : "counted",
        );
      } else verdicts.set(field.name, NOT_EXERCISED.has(field.name) ? "counted" : "silent");
    }
    return verdicts;
  } finally {
    await subsystem.stop();
    await new Deno.Command("umount", { args: [`${dir}/m`], stderr: "null" }).output();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The table of counters by sensor, as the README shows it. */
export function counterTable(results: Map<SensorKind, Map<string, Verdict> | string>): string {
  const kinds = [...results.keys()];
  const lines = [
    `| counter | ${kinds.join(" | ")} |`,
    `|---|${kinds.map(() => "---").join("|")}|`,
  ];
  for (const field of eventSpec("kernel_statistics")?.fields ?? []) {
    const source = field.source;
    if (!source || source.maskOf || source.reader) continue;
    const cells = kinds.map((kind) => {
      const result = results.get(kind)!;
      if (typeof result === "string") return "not measured";
      const verdict = result.get(field.name);
      if (verdict === "approximated") return `approximated: ${source.ebpf?.approximation}`;
      return verdict ?? "—";
    });
    lines.push(`| \`${field.name}\` | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Measures each sensor; one row each. */
export async function counterSourcesBench(): Promise<Row[]> {
  const results = new Map<SensorKind, Map<string, Verdict> | string>();
  for (const kind of SENSOR_KINDS) results.set(kind, await measure(kind));
  if (import.meta.main) console.log(`${counterTable(results)}\n`);
  return [...results].map(([kind, result]) => {
    if (typeof result === "string") {
      return row({
        measure: `${kind}: counters counted`,
        vitrine: "not measured",
        baseline: result,
        ratio: "—",
        target: "—",
        met: null,
      });
    }
    const count = (v: Verdict) => [...result.values()].filter((x) => x === v).length;
    return row({
      measure: `${kind}: of ${result.size} seed counters, over a workload doing each operation`,
      vitrine: `${count("counted")} counted, ${count("approximated")} approximated, ${
        count("unavailable")
      } unavailable`,
      baseline: `silent (should have moved, did not): ${count("silent")}`,
      ratio: "—",
      target: "0 silent",
      met: count("silent") === 0,
    });
  });
}

if (import.meta.main) await runAlone(() => counterSourcesBench());
