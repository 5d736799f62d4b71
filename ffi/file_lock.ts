/**
 * An exclusive advisory lock on a file, held for the life of the process.
 *
 * @module
 */
import { ERRNO, O } from "./_constants.ts";
import { check, cString, lastErrno, libc } from "./libc.ts";
import { SyscallError } from "./syscall_error.ts";
import { readKernelFile } from "./read_kernel_file.ts";

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

/**
 * The processes holding a `flock(2)` on `path`, as the kernel lists them in
 * /proc/locks (device and inode of the file, and the holder's pid); empty
 * when none holds it or the file is not there. A pid read from a file is
 * only a claim: a process that holds the agent's lock is the agent.
 */
export function flockHolders(path: string): number[] {
  let stat: Deno.FileInfo;
  try {
    stat = Deno.lstatSync(path);
  } catch {
    return [];
  }
  const dev = stat.dev;
  // Linux's dev_t: the major number in bits 8–19 and 32 up, the minor in 0–7 and 20 up.
  const major = ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
  const minor = (dev & 0xff) | ((dev >>> 12) & ~0xff & 0xfffff);
  const id = `${major.toString(16).padStart(2, "0")}:${
    minor.toString(16).padStart(2, "0")
  }:${stat.ino}`;
  const holders: number[] = [];
  for (const line of readKernelFile("/proc/locks").split("\n")) {
    // "1: FLOCK  ADVISORY  WRITE 1234 08:01:56789 0 EOF"
    const fields = line.trim().split(/\s+/);
    if (fields[1] === "FLOCK" && fields[5] === id) holders.push(Number(fields[4]));
  }
  return holders;
}
