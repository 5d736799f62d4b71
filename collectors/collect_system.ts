/**
 * The system collector: kernel and agent statistics through libc and /proc.
 *
 * @module
 */
import { CPU_TIME_FIELDS, PRESSURE_LINES } from "../catalog/events/system_statistics.ts";
import type { Tier } from "../catalog/types.ts";
import type { EventFields } from "../catalog/event_fields.ts";
import type { Fields } from "../catalog/validate_event.ts";
import { readKernelFile } from "../ffi/read_kernel_file.ts";
import { getrusage } from "../ffi/rusage.ts";
import { statvfs } from "../ffi/statvfs.ts";
import { sysconf } from "../ffi/sysconf.ts";
import { sysinfo } from "../ffi/sysinfo.ts";
import { uname } from "../ffi/uname.ts";
import { MountTable } from "../ffi/mount_table.ts";
import {
  type Mount,
  parseCpuTicks,
  parseMountinfo,
  parsePressure,
  ProcCounters,
} from "./proc_readers.ts";

function readOptional(path: string): string | null {
  try {
    return readKernelFile(path);
  } catch {
    return null;
  }
}

const mountTable = new MountTable();
const meminfoReader = new ProcCounters("meminfo", (key) => `meminfo.${key.replace(/[()]/g, "_")}`);
const vmstatReader = new ProcCounters("vmstat", (key) => `vmstat.${key}`);
/** The kernel's names and release: they change only with a reboot, which restarts the agent. */
let kernelNames: ReturnType<typeof uname> | null = null;
let mounts: { text: string; list: Mount[] } = { text: "", list: [] };

/** The real filesystems mounted now, parsed again only when the mount table changed. */
function realMounts(): Mount[] {
  let text = "";
  try {
    text = mountTable.text();
  } catch {
    // No mount table (no /proc): no filesystems to report.
  }
  if (text !== mounts.text) mounts = { text, list: parseMountinfo(text) };
  return mounts.list;
}

/**
 * Reads one system statistics event. Optional fields are read only when
 * `tiers` includes `optional`: at the required level they are never
 * collected at all.
 */
export function collectSystem(tiers: readonly Tier[]): SystemFields {
  const meminfo: Fields = {};
  meminfoReader.read(readOptional("/proc/meminfo") ?? "", meminfo);
  const fields = requiredFields(meminfo);
  if (!tiers.includes("optional")) return fields;
  fields.filesystems = filesystems();
  // Fields named by what /proc holds (CPU states, vmstat and meminfo keys,
  // pressure lines): their names are the catalogue's by construction, and
  // validation checks each value before it is stored.
  const read: Fields = {};
  const cpu = parseCpuTicks(readOptional("/proc/stat") ?? "");
  if (cpu) {
    const ticks = sysconf("clockTicks");
    CPU_TIME_FIELDS.forEach(({ field }, column) => {
      const value = cpu[column];
      if (value !== undefined) read[field] = value / ticks;
    });
  }
  vmstatReader.read(readOptional("/proc/vmstat") ?? "", read);
  Object.assign(read, meminfo, pressureFields());
  return Object.assign(fields, read as SystemFields);
}

/** The fields of a system_statistics event. */
type SystemFields = EventFields["system_statistics"];

/** The required fields: libc's view of the machine, the root filesystem and the agent itself. */
function requiredFields(meminfo: Fields): SystemFields {
  const info = sysinfo();
  const kernel = kernelNames ??= uname();
  const root = statvfs("/");
  const usage = getrusage();
  return {
    uptime: info.uptimeSeconds,
    "load.1m": info.loads[0],
    "load.5m": info.loads[1],
    "load.15m": info.loads[2],
    "memory.total": info.totalRamBytes,
    "memory.free": info.freeRamBytes,
    "memory.available": (meminfo["meminfo.MemAvailable"] as number | undefined) ?? null,
    "memory.shared": info.sharedRamBytes,
    "memory.buffers": info.bufferRamBytes,
    "swap.total": info.totalSwapBytes,
    "swap.free": info.freeSwapBytes,
    processes: info.processes,
    "cpu.online": sysconf("processorsOnline"),
    "cpu.configured": sysconf("processorsConfigured"),
    page_size: sysconf("pageSize"),
    clock_ticks: sysconf("clockTicks"),
    "kernel.sysname": kernel.sysname,
    "kernel.release": kernel.release,
    "kernel.version": kernel.version,
    "kernel.machine": kernel.machine,
    "root_fs.total": root.totalBytes,
    "root_fs.free": root.freeBytes,
    "root_fs.available": root.availableBytes,
    "root_fs.inodes_total": root.totalInodes,
    "root_fs.inodes_free": root.freeInodes,
    "agent.cpu_user": usage.userCpuSeconds,
    "agent.cpu_system": usage.systemCpuSeconds,
    "agent.max_rss": usage.maxRssBytes,
    "agent.rss": Deno.memoryUsage().rss,
  };
}

/** Every real filesystem with its size and use (one the agent may not stat is skipped). */
function filesystems(): NonNullable<SystemFields["filesystems"]>[number][] {
  const found: NonNullable<SystemFields["filesystems"]>[number][] = [];
  for (const mount of realMounts()) {
    try {
      const fs = statvfs(mount.mountPoint);
      if (fs.totalBytes === 0) continue;
      found.push({
        mount_point: mount.mountPoint,
        fs_type: mount.fsType,
        total: fs.totalBytes,
        free: fs.freeBytes,
        available: fs.availableBytes,
        inodes_total: fs.totalInodes,
        inodes_free: fs.freeInodes,
      });
    } catch {
      // A mount we may not stat (permissions, stale network mount): skip it.
    }
  }
  return found;
}

/** The pressure-stall fields, null for a line the kernel does not expose. */
function pressureFields(): Fields {
  const fields: Fields = {};
  const pressure = new Map<string, ReturnType<typeof parsePressure>>();
  for (const line of PRESSURE_LINES) {
    if (!pressure.has(line.resource)) {
      const text = readOptional(`/proc/pressure/${line.resource}`);
      pressure.set(line.resource, text ? parsePressure(text) : {});
    }
    const values = pressure.get(line.resource)?.[line.kind];
    fields[line.avg10] = values?.avg10 ?? null;
    fields[line.avg60] = values?.avg60 ?? null;
    fields[line.avg300] = values?.avg300 ?? null;
    fields[line.total] = values ? values.total / 1e6 : null;
  }
  return fields;
}
