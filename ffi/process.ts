/**
 * Whether a process exists, and asking one to stop.
 *
 * @module
 */
import { ERRNO } from "./_constants.ts";
import { lastErrno, libc } from "./libc.ts";
import { readKernelFile } from "./read_kernel_file.ts";
import { SyscallError } from "./syscall_error.ts";

/**
 * Whether process `pid` runs (signal 0 is sent: nothing happens to it). A
 * process of another user runs too (the kernel answers EPERM for it); one
 * that has ended but was not reaped yet (a zombie) does not.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (libc().kill(pid, 0) !== 0 && lastErrno() !== ERRNO.EPERM) return false;
  try {
    const stat = readKernelFile(`/proc/${pid}/stat`);
    // The state follows the command name, which may hold ")".
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

const SIGNALS = { SIGTERM: 15, SIGKILL: 9 } as const;

/** Sends `signal` to process `pid`; false when there is no such process. */
export function signalProcess(pid: number, signal: keyof typeof SIGNALS): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  if (libc().kill(pid, SIGNALS[signal]) === 0) return true;
  const errno = lastErrno();
  if (errno === ERRNO.ESRCH) return false;
  throw new SyscallError("kill", errno, `pid ${pid}`);
}
