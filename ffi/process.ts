/**
 * Whether a process exists.
 *
 * @module
 */
import { ERRNO } from "./_constants.ts";
import { lastErrno, libc } from "./libc.ts";

/**
 * Whether process `pid` exists (signal 0 is sent: nothing happens to it).
 * A process of another user exists too: the kernel answers EPERM for it.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (libc().kill(pid, 0) === 0) return true;
  return lastErrno() === ERRNO.EPERM;
}
