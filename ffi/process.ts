/**
 * Whether a process exists, waiting for one to end, and asking one to stop.
 *
 * @module
 */
import { ERRNO } from "./_constants.ts";
import { check, lastErrno, libc } from "./libc.ts";
import { closeQuietly, Readiness } from "./_descriptor.ts";
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

const SIGNALS = { SIGHUP: 1, SIGTERM: 15, SIGKILL: 9 } as const;

/** Sends `signal` to process `pid`; false when there is no such process. */
export function signalProcess(pid: number, signal: keyof typeof SIGNALS): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  if (libc().kill(pid, SIGNALS[signal]) === 0) return true;
  const errno = lastErrno();
  if (errno === ERRNO.ESRCH) return false;
  throw new SyscallError("kill", errno, `pid ${pid}`);
}

/** pidfd_open(2)'s system call number (the same on x86-64 and arm64). */
const SYS_PIDFD_OPEN = 434n;

/**
 * A process to wait for, through a pidfd: readable once the process has
 * ended, so that waiting wakes nobody until then.
 */
export class ProcessExit {
  readonly #fd: number;
  readonly #readiness: Readiness;

  private constructor(fd: number) {
    this.#fd = fd;
    this.#readiness = new Readiness(fd);
  }

  /** Opens a pidfd for `pid`. Throws a {@linkcode SyscallError} (ESRCH: no such process; ENOSYS: before Linux 5.3). */
  static open(pid: number): ProcessExit {
    const fd = Number(
      check("pidfd_open", libc().syscall_pidfd_open(SYS_PIDFD_OPEN, pid, 0), `pid ${pid}`),
    );
    return new ProcessExit(fd);
  }

  /** Resolves true once the process has ended, false after `timeoutMs` or on close. */
  ended(timeoutMs: number): Promise<boolean> {
    return this.#readiness.wait(timeoutMs);
  }

  /** Ends any wait and closes the pidfd. */
  async close(): Promise<void> {
    await this.#readiness.close();
    closeQuietly(this.#fd);
  }
}
