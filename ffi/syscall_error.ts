/**
 * The one error class of the FFI boundary.
 *
 * @module
 */
import { ERRNO } from "./_constants.ts";

const ERRNO_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(ERRNO).map(([name, value]) => [value, name]),
);

/** The symbolic name of an errno value, such as `EPERM`, or `E<number>`. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

/**
 * A system call failed: carries the call, the errno value and its name.
 *
 * Callers branch on {@linkcode SyscallError.code} (for example to fall back
 * from fanotify to inotify on `EPERM`).
 */
export class SyscallError extends Error {
  /** The name of the call that failed, such as `fanotify_init`. */
  readonly syscall: string;
  /** The errno value read right after the call. */
  readonly errno: number;
  /** The symbolic errno name, such as `EPERM`. */
  readonly code: string;

  constructor(syscall: string, errno: number, detail?: string) {
    const code = errnoName(errno);
    super(
      `System call ${syscall} failed with ${code} (errno ${errno})${detail ? `: ${detail}` : ""}`,
    );
    this.name = "SyscallError";
    this.syscall = syscall;
    this.errno = errno;
    this.code = code;
  }
}
