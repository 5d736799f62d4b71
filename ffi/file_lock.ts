/**
 * An exclusive advisory lock on a file, held for the life of the process.
 *
 * @module
 */
import { ERRNO, O } from "./_constants.ts";
import { check, cString, lastErrno, libc } from "./libc.ts";
import { SyscallError } from "./syscall_error.ts";

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

/** A held lock; release it with {@linkcode FileLock.release}. */
export interface FileLock {
  release(): void;
}

/**
 * Takes an exclusive `flock(2)` on `path` without waiting.
 *
 * @returns the lock, or `null` when another process holds it.
 */
export function tryLockFile(path: string): FileLock | null {
  const fd = check(
    "open",
    libc().open(cString(path), O.RDWR | O.CREAT | O.CLOEXEC, 0o600),
    `path "${path}"`,
  );
  if (libc().flock(fd, LOCK_EX | LOCK_NB) < 0) {
    const errno = lastErrno();
    libc().close(fd);
    if (errno === ERRNO.EAGAIN) return null;
    throw new SyscallError("flock", errno, `path "${path}"`);
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      libc().flock(fd, LOCK_UN);
      libc().close(fd);
    },
  };
}
