/**
 * The system collector: kernel and agent statistics through libc and /proc.
 *
 * @module
 */
import type { Tier } from "../catalog/types.ts";
import type { Fields } from "../catalog/validate_event.ts";
import { readKernelFile } from "../ffi/read_kernel_file.ts";
import { getrusage } from "../ffi/rusage.ts";
import { statvfs } from "../ffi/statvfs.ts";
import { sysconf } from "../ffi/sysconf.ts";
import { sysinfo } from "../ffi/sysinfo.ts";
import { uname } from "../ffi/uname.ts";
import {
  parseCpuTicks,
  parseMeminfo,
  parseMountinfo,
  parsePressure,
  parseVmstat,
} from "./proc_readers.ts";

const CPU_NAMES = [
  "user",
  "nice",
  "system",
  "idle",
  "iowait",
  "irq",
  "softirq",
  "steal",
];

function readOptional(path: string): string | null {
  try {
    return readKernelFile(path);
  } catch {
    return null;
  }
}

/**
 * Reads one system statistics event. Optional fields are read only when
 * `tiers` includes `optional`: at the required level they are never
 * collected at all.
 */
export function collectSystem(tiers: readonly Tier[]): Fields {
  const info = sysinfo();
  const kernel = uname();
  const root = statvfs("/");
  const usage = getrusage();
  const meminfo = parseMeminfo(readOptional("/proc/meminfo") ?? "");
  const ticks = sysconf("clockTicks");
  const fields: Fields = {
    uptime: info.uptimeSeconds,
    "load.1m": info.loads[0],
    "load.5m": info.loads[1],
    "load.15m": info.loads[2],
    "memory.total": info.totalRamBytes,
    "memory.free": info.freeRamBytes,
    "memory.available": meminfo.MemAvailable ?? null,
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
  for (
    const mount of parseMountinfo(
      readOptional("/proc/self/mountinfo") ?? "",
    )
  ) {
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
    CPU_NAMES.forEach((name, i) => {
      const value = cpu[i];
      if (value !== undefined) fields[`cpu_time.${name}`] = value / ticks;
    });
  }
  for (
    const [key, value] of Object.entries(
      parseVmstat(readOptional("/proc/vmstat") ?? ""),
    )
  ) {
    fields[`vmstat.${key}`] = value;
  }
  for (const [key, value] of Object.entries(meminfo)) {
    fields[`meminfo.${key.replace(/[()]/g, "_")}`] = value;
  }
  for (const resource of ["cpu", "memory", "io"]) {
    const text = readOptional(`/proc/pressure/${resource}`);
    const pressure = text ? parsePressure(text) : {};
    for (const kind of ["some", "full"] as const) {
      const line = pressure[kind];
      fields[`pressure.${resource}.${kind}_avg10`] = line?.avg10 ?? null;
      fields[`pressure.${resource}.${kind}_avg60`] = line?.avg60 ?? null;
      fields[`pressure.${resource}.${kind}_avg300`] = line?.avg300 ?? null;
      fields[`pressure.${resource}.${kind}_total`] = line ? line.total / 1e6 : null;
    }
  }
  return fields;
}
