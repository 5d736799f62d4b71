/**
 * `statvfs(3)`: size and use of a mounted filesystem.
 *
 * @module
 */
import { check, cString, libc } from "./libc.ts";

/** What `statvfs(3)` reports, converted to bytes. */
export interface StatvfsResult {
  /** Fragment size: the unit of the block counts. */
  fragmentSize: number;
  totalBytes: number;
  freeBytes: number;
  /** Free to unprivileged users. */
  availableBytes: number;
  totalInodes: number;
  freeInodes: number;
  availableInodes: number;
  /** Mount flags (ST_RDONLY = 1, ...). */
  flags: number;
  maxNameLength: number;
}

const SIZE = 112;

/** Calls `statvfs(3)` on `path`. */
export function statvfs(path: string): StatvfsResult {
  const buffer = new Uint8Array(SIZE);
  check("statvfs", libc().statvfs(cString(path), buffer), `path "${path}"`);
  const view = new DataView(buffer.buffer);
  const u64 = (offset: number) => Number(view.getBigUint64(offset, true));
  const fragment = u64(8) || u64(0);
  return {
    fragmentSize: fragment,
    totalBytes: u64(16) * fragment,
    freeBytes: u64(24) * fragment,
    availableBytes: u64(32) * fragment,
    totalInodes: u64(40),
    freeInodes: u64(48),
    availableInodes: u64(56),
    flags: u64(72),
    maxNameLength: u64(80),
  };
}
