/**
 * The system collector: kernel and agent statistics through libc and /proc.
 *
 * @module
 */
import { CPU_TIME_FIELDS, PRESSURE_LINES } from "../catalog/events/system_statistics.ts";
import type { Tier } from "../catalog/types.ts";
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
export function collectSystem(tiers: readonly Tier[]): Fields {
  const info = sysinfo();
  const kernel = kernelNames ??= uname();
  const root = statvfs("/");
  const usage = getrusage();
  const meminfo: Fields = {};
  meminfoReader.read(readOptional("/proc/meminfo") ?? "", meminfo);
  const ticks = sysconf("clockTicks");
  const fields: Fields = {
    uptime: info.uptimeSeconds,
    "load.1m": info.loads[0],
    "load.5m": info.loads[1],
    "load.15m": info.loads[2],
    "memory.total": info.totalRamBytes,
    "memory.free": info.freeRamBytes,
    "memory.available": meminfo["meminfo.MemAvailable"] ?? null,
    "memory.shared": info.sharedRamBytes,
    "memory.buffers": info.bufferRamBytes,
    "swap.total": info.totalSwapBytes,
    "swap.free": info.freeSwapBytes,
    processes: info.processes,
    "cpu.online": sysconf("processorsOnline"),
    "cpu.configured": sysconf("processorsConfigured"),
    page_size: sysconf("pageSize"),
    clock_ticks: ticks,
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
  if (!tiers.includes("optional")) return fields;

  const filesystems: Fields[] = [];
  for (const mount of realMounts()) {
    try {
      const fs = statvfs(mount.mountPoint);
      if (fs.totalBytes === 0) continue;
      filesystems.push({
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
  fields.filesystems = filesystems;
  const cpu = parseCpuTicks(readOptional("/proc/stat") ?? "");
  if (cpu) {
    CPU_TIME_FIELDS.forEach(({ field }, column) => {
      const value = cpu[column];
      if (value !== undefined) fields[field] = value / ticks;
    });
  }
  vmstatReader.read(readOptional("/proc/vmstat") ?? "", fields);
  Object.assign(fields, meminfo);
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
