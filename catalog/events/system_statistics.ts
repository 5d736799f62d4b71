/**
 * The `system_statistics` event.
 *
 * @module
 */
import { defineVitrineEvent, gaugeField, vitrineField } from "../_field_builders.ts";
import type { FieldSpec } from "../types.ts";

/** A CPU state of the aggregate line of /proc/stat and the field it feeds. */
export interface CpuTimeField {
  state: string;
  field: string;
}

/** The CPU states, in the column order of /proc/stat. */
export const CPU_TIME_FIELDS: readonly CpuTimeField[] = [
  "user",
  "nice",
  "system",
  "idle",
  "iowait",
  "irq",
  "softirq",
  "steal",
].map((state) => ({ state, field: `cpu_time.${state}` }));

/** One line of /proc/pressure/<resource> and the fields its values feed. */
export interface PressureLine {
  resource: "cpu" | "memory" | "io";
  kind: "some" | "full";
  avg10: string;
  avg60: string;
  avg300: string;
  total: string;
}

/** Every pressure line the kernel may expose. */
export const PRESSURE_LINES: readonly PressureLine[] = (["cpu", "memory", "io"] as const).flatMap(
  (resource) =>
    (["some", "full"] as const).map((kind) => ({
      resource,
      kind,
      avg10: `pressure.${resource}.${kind}_avg10`,
      avg60: `pressure.${resource}.${kind}_avg60`,
      avg300: `pressure.${resource}.${kind}_avg300`,
      total: `pressure.${resource}.${kind}_total`,
    })),
);

const PRESSURE_MISSING = "The kernel does not expose this pressure line.";

function pressureLineFields(line: PressureLine): FieldSpec[] {
  const who = line.kind === "some" ? "at least one task" : "all runnable tasks";
  return [
    ...(["avg10", "avg60", "avg300"] as const).map((window) =>
      vitrineField(
        line[window],
        "optional",
        "number",
        `Share of wall time in which ${who} stalled on ${line.resource}, averaged over ${
          window.slice(3)
        } seconds (/proc/pressure).`,
        { unit: "percent", measure: "gauge", nullable: PRESSURE_MISSING },
      )
    ),
    vitrineField(
      line.total,
      "optional",
      "number",
      `Total stall time of this kind on ${line.resource} since boot (/proc/pressure).`,
      { unit: "seconds", measure: "counter", nullable: PRESSURE_MISSING },
    ),
  ];
}

/** Statistics of the kernel and of the agent itself. */
export const SYSTEM_STATISTICS_EVENT = defineVitrineEvent({
  type: "system_statistics",
  title: "System statistics",
  description: "Statistics of the kernel and of the agent itself, read through libc and /proc.",
  category: "Product and service performance",
  producedBy: "The system collector, once per interval.",
  metricPrefix: "vitrine_",
  fields: [
    gaugeField(
      "uptime",
      "required",
      "number",
      "Time since the kernel booted (sysinfo).",
      "seconds",
    ),
    ...(["1m", "5m", "15m"] as const).map((window) =>
      gaugeField(
        `load.${window}`,
        "required",
        "number",
        `Run-queue load average over ${window.replace("m", " minutes")} (sysinfo).`,
        "load",
      )
    ),
    gaugeField("memory.total", "required", "integer", "Usable RAM (sysinfo).", "bytes"),
    gaugeField("memory.free", "required", "integer", "Unused RAM (sysinfo).", "bytes"),
    gaugeField(
      "memory.available",
      "required",
      "integer",
      "RAM that could be given to new work without swapping (MemAvailable in /proc/meminfo).",
      "bytes",
      { nullable: "The kernel does not report MemAvailable." },
    ),
    gaugeField("memory.shared", "required", "integer", "Shared memory (sysinfo).", "bytes"),
    gaugeField(
      "memory.buffers",
      "required",
      "integer",
      "Memory used by block-device buffers (sysinfo).",
      "bytes",
    ),
    gaugeField("swap.total", "required", "integer", "Swap space (sysinfo).", "bytes"),
    gaugeField("swap.free", "required", "integer", "Unused swap space (sysinfo).", "bytes"),
    gaugeField(
      "processes",
      "required",
      "integer",
      "Tasks the kernel counts, threads included (sysinfo).",
      "count",
    ),
    gaugeField("cpu.online", "required", "integer", "Processors online (sysconf).", "count"),
    gaugeField(
      "cpu.configured",
      "required",
      "integer",
      "Processors configured (sysconf).",
      "count",
    ),
    gaugeField("page_size", "required", "integer", "Memory page size (sysconf).", "bytes"),
    gaugeField(
      "clock_ticks",
      "required",
      "integer",
      "Kernel clock ticks per second, the unit of /proc CPU times (sysconf).",
      "hertz",
    ),
    vitrineField("kernel.sysname", "required", "string", "Kernel name (uname)."),
    vitrineField("kernel.release", "required", "string", "Kernel release (uname)."),
    vitrineField(
      "kernel.version",
      "required",
      "string",
      "Kernel build string (uname).",
    ),
    vitrineField(
      "kernel.machine",
      "required",
      "string",
      "Hardware architecture (uname).",
    ),
    gaugeField(
      "root_fs.total",
      "required",
      "integer",
      "Size of the filesystem mounted at / (statvfs).",
      "bytes",
    ),
    gaugeField(
      "root_fs.free",
      "required",
      "integer",
      "Free space on / including the blocks reserved for root (statvfs).",
      "bytes",
    ),
    gaugeField(
      "root_fs.available",
      "required",
      "integer",
      "Free space on / that unprivileged users may use (statvfs).",
      "bytes",
    ),
    gaugeField("root_fs.inodes_total", "required", "integer", "Inodes of / (statvfs).", "count"),
    gaugeField(
      "root_fs.inodes_free",
      "required",
      "integer",
      "Free inodes of / (statvfs).",
      "count",
    ),
    vitrineField(
      "agent.cpu_user",
      "required",
      "number",
      "CPU time the agent spent in user mode since it started (getrusage).",
      { unit: "seconds", measure: "counter" },
    ),
    vitrineField(
      "agent.cpu_system",
      "required",
      "number",
      "CPU time the kernel spent on the agent's behalf since it started (getrusage).",
      { unit: "seconds", measure: "counter" },
    ),
    gaugeField(
      "agent.max_rss",
      "required",
      "integer",
      "Peak resident memory of the agent (getrusage).",
      "bytes",
    ),
    gaugeField("agent.rss", "required", "integer", "Resident memory of the agent now.", "bytes"),
    vitrineField(
      "filesystems[].mount_point",
      "optional",
      "string",
      "Where a real (not pseudo) filesystem is mounted (/proc/self/mountinfo).",
    ),
    vitrineField(
      "filesystems[].fs_type",
      "optional",
      "string",
      "Filesystem type, such as ext4.",
    ),
    gaugeField(
      "filesystems[].total",
      "optional",
      "integer",
      "Size of the filesystem (statvfs).",
      "bytes",
    ),
    gaugeField(
      "filesystems[].free",
      "optional",
      "integer",
      "Free space including reserved blocks (statvfs).",
      "bytes",
    ),
    gaugeField(
      "filesystems[].available",
      "optional",
      "integer",
      "Free space for unprivileged users (statvfs).",
      "bytes",
    ),
    gaugeField(
      "filesystems[].inodes_total",
      "optional",
      "integer",
      "Inodes of the filesystem (statvfs).",
      "count",
    ),
    gaugeField(
      "filesystems[].inodes_free",
      "optional",
      "integer",
      "Free inodes of the filesystem (statvfs).",
      "count",
    ),
    ...CPU_TIME_FIELDS.map(({ state: name, field }) =>
      vitrineField(
        field,
        "optional",
        "number",
        `CPU time all processors spent in ${name} state since boot (/proc/stat).`,
        { unit: "seconds", measure: "counter" },
      )
    ),
    gaugeField(
      "vmstat.[counter]",
      "optional",
      "integer",
      "One key per counter of /proc/vmstat, as the kernel names it (pages or events).",
      "count",
    ),
    gaugeField(
      "meminfo.[key]",
      "optional",
      "integer",
      "One key per size line of /proc/meminfo, converted from kibibytes.",
      "bytes",
    ),
    ...PRESSURE_LINES.flatMap(pressureLineFields),
  ],
});
