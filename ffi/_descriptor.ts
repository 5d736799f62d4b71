// Internal helpers shared by the descriptor-based readers (fanotify, inotify).
import { check, cString, lastErrno, libc } from "./libc.ts";
import { SyscallError } from "./syscall_error.ts";

const POLLIN = 1;
const EINTR = 4;
const EAGAIN = 11;

/** Waits up to `timeoutMs` for `fd` to be readable; true when it is. */
export function waitReadable(fd: number, timeoutMs: number): boolean {
  const pollfd = new Uint8Array(8);
  const view = new DataView(pollfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, POLLIN, true);
  const ready = libc().poll(pollfd, 1n, timeoutMs);
  if (ready < 0) {
    const errno = lastErrno();
    if (errno === EINTR) return false;
    throw new SyscallError("poll", errno);
  }
  return ready > 0 && (view.getInt16(6, true) & POLLIN) !== 0;
}

/** Reads from a non-blocking descriptor; 0 when nothing is queued. */
export function readAvailable(fd: number, buffer: Uint8Array): number {
  const count = Number(libc().read(fd, buffer, BigInt(buffer.length)));
  if (count < 0) {
    const errno = lastErrno();
    if (errno === EAGAIN || errno === EINTR) return 0;
    throw new SyscallError("read", errno);
  }
  return count;
}

/** Closes a descriptor, ignoring errors (used on teardown paths). */
export function closeQuietly(fd: number): void {
  if (fd >= 0) libc().close(fd);
}

/** Opens `path` with `flags` and returns the descriptor. */
export function openPath(path: string, flags: number): number {
  return check("open", libc().open(cString(path), flags, 0), `path "${path}"`);
}

/** The target of a symbolic link such as `/proc/self/fd/N`. */
export function readLink(path: string): string {
  const buffer = new Uint8Array(4096);
  const length = Number(
    check(
      "readlink",
      libc().readlink(cString(path), buffer, BigInt(buffer.length)),
      `path "${path}"`,
    ),
  );
  return new TextDecoder().decode(buffer.subarray(0, length));
}
