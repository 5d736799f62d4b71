/**
 * The one error class of the FFI boundary.
 *
 * @module
 */

const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  18: "EXDEV",
  19: "ENODEV",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  23: "ENFILE",
  24: "EMFILE",
  28: "ENOSPC",
  36: "ENAMETOOLONG",
  38: "ENOSYS",
  40: "ELOOP",
  75: "EOVERFLOW",
  95: "EOPNOTSUPP",
  116: "ESTALE",
};

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
