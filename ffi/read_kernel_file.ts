/**
 * Reads a /proc or /sys file through libc.
 *
 * Deno's permission model only lets a fully privileged process read /proc
 * with its own file API; going through the libc boundary keeps the agent's
 * permissions scoped (it already holds --allow-ffi).
 *
 * @module
 */
import { O } from "./_constants.ts";
import { check, cString, libc } from "./libc.ts";
import { closeQuietly } from "./_descriptor.ts";

const CHUNK = 64 * 1024;
const MAX_BYTES = 16 * 1024 * 1024;

// Reused by every read: the collectors read several files a second, and a
// fresh 64 KiB buffer each time was most of the cost.
const buffer = new Uint8Array(CHUNK);
const decoder = new TextDecoder();

/**
 * Returns the text of a kernel file under /proc or /sys. Throws RangeError
 * for any other path and SyscallError when the file cannot be read.
 */
export function readKernelFile(path: string): string {
  if (!/^\/(proc|sys)\/[^\0]*$/.test(path) || path.includes("/../")) {
    throw new RangeError(`Only files under /proc and /sys may be read this way, not "${path}"`);
  }
  const fd = check("open", libc().open(cString(path), O.RDONLY | O.CLOEXEC, 0), `path "${path}"`);
  try {
    let text = "";
    let total = 0;
    while (total < MAX_BYTES) {
      const count = Number(check("read", libc().read(fd, buffer, BigInt(CHUNK)), `path "${path}"`));
      if (count === 0) break;
      text += decoder.decode(buffer.subarray(0, count), { stream: true });
      total += count;
    }
    return text + decoder.decode();
  } finally {
    closeQuietly(fd);
  }
}
