/**
 * `sysinfo(2)`: uptime, loads, memory and swap, process count.
 *
 * @module
 */
import { check, libc } from "./libc.ts";

/** What `sysinfo(2)` reports, converted to bytes and seconds. */
export interface SysinfoResult {
  /** Seconds since boot. */
  uptimeSeconds: number;
  /** Load averages over 1, 5 and 15 minutes. */
  loads: [number, number, number];
  totalRamBytes: number;
  freeRamBytes: number;
  sharedRamBytes: number;
  bufferRamBytes: number;
  totalSwapBytes: number;
  freeSwapBytes: number;
  /** Number of current processes (threads included, as the kernel counts). */
  processes: number;
}

// struct sysinfo on LP64: see offsets below; 112 bytes with padding.
const SIZE = 112;
// The kernel scales loads by 1 << SI_LOAD_SHIFT (16).
const LOAD_SCALE = 65536;

/** Calls `sysinfo(2)`. */
export function sysinfo(): SysinfoResult {
  const buffer = new Uint8Array(SIZE);
  check("sysinfo", libc().sysinfo(buffer));
  const view = new DataView(buffer.buffer);
  const u64 = (offset: number) => Number(view.getBigUint64(offset, true));
  const unit = view.getUint32(104, true) || 1;
  return {
    uptimeSeconds: Number(view.getBigInt64(0, true)),
    loads: [u64(8) / LOAD_SCALE, u64(16) / LOAD_SCALE, u64(24) / LOAD_SCALE],
    totalRamBytes: u64(32) * unit,
    freeRamBytes: u64(40) * unit,
    sharedRamBytes: u64(48) * unit,
    bufferRamBytes: u64(56) * unit,
    totalSwapBytes: u64(64) * unit,
    freeSwapBytes: u64(72) * unit,
    processes: view.getUint16(80, true),
  };
}
