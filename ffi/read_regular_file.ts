/**
 * Reads a small configuration file without ever blocking on what the path
 * turns out to be: a FIFO, a device, a socket or a kernel pseudo-file is
 * refused before anything is read, and the read itself has a time limit.
 *
 * @module
 */
import { check, cString, lastErrno, libc } from "./libc.ts";
import { closeQuietly, readLink } from "./_descriptor.ts";
import { SyscallError } from "./syscall_error.ts";

const O_RDONLY = 0;
const O_NOCTTY = 0o400;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;
const STATX_TYPE = 0x1;
const STATX_MTIME = 0x40;
const STATX_CTIME = 0x80;
const STATX_INO = 0x100;
const STATX_SIZE = 0x200;
const STATX_SIZE_BYTES = 256;
const S_IFMT = 0o170000;
const ENOENT = 2;

const FILE_TYPES: Readonly<Record<number, string>> = {
  0o140000: "a socket",
  0o120000: "a symbolic link",
  0o100000: "a regular file",
  0o060000: "a block device",
  0o040000: "a directory",
  0o020000: "a character device",
  0o010000: "a FIFO (named pipe)",
};

/** What a path holds, for the checks before a read. */
interface Stat {
  type: string;
  size: number;
  mtimeMs: number;
  /** Changes whenever the file does: inode, size, modification and change times. */
  stamp: string;
}

function statx(dirfd: number, path: string, flags: number): Stat {
  const buffer = new Uint8Array(STATX_SIZE_BYTES);
  check(
    "statx",
    libc().statx(
      dirfd,
      cString(path),
      flags,
      STATX_TYPE | STATX_SIZE | STATX_MTIME | STATX_CTIME | STATX_INO,
      buffer,
    ),
    `path "${path}"`,
  );
  const view = new DataView(buffer.buffer);
  const mode = view.getUint16(28, true);
  const time = (offset: number) =>
    `${view.getBigInt64(offset, true)}.${view.getUint32(offset + 8, true)}`;
  const size = Number(view.getBigUint64(40, true));
  return {
    type: FILE_TYPES[mode & S_IFMT] ?? "an unknown kind of file",
    size,
    mtimeMs: Number(view.getBigInt64(112, true)) * 1000 + view.getUint32(120, true) / 1e6,
    stamp: `${view.getBigUint64(32, true)}:${size}:${time(112)}:${time(96)}`,
  };
}

/** The outcome of {@linkcode readRegularFile}. */
export type RegularFileRead =
  | { kind: "absent" }
  | { kind: "dangling_link"; target: string }
  | { kind: "not_regular"; what: string }
  | { kind: "too_large"; size: number }
  | { kind: "timeout"; ms: number }
  | { kind: "unchanged"; stamp: string }
  | { kind: "ok"; bytes: Uint8Array; mtimeMs: number; stamp: string };

/**
 * Reads `path` if it is a regular file on disk of at most `maxBytes`,
 * giving up after `timeoutMs`. When the file's stamp is still `known` (it
 * did not change since the read that gave that stamp) nothing is read.
 * Errors other than absence (such as EACCES) throw a {@linkcode SyscallError}.
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  options: { timeoutMs?: number; known?: string } = {},
): Promise<RegularFileRead> {
  const timeoutMs = options.timeoutMs ?? 2000;
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
  const fd = libc().open(cString(path), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0) {
    const errno = lastErrno();
    if (errno !== ENOENT) throw new SyscallError("open", errno, `path "${path}"`);
    try {
      statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW);
      return { kind: "dangling_link", target: readLink(path) };
    } catch {
      return { kind: "absent" };
    }
  }
  let reading: Promise<number | bigint> | null = null;
  try {
    const stat = statx(fd, "", AT_EMPTY_PATH);
    if (stat.type !== "a regular file") return { kind: "not_regular", what: stat.type };
    const real = (() => {
      try {
        return readLink(`/proc/self/fd/${fd}`);
      } catch {
        return path;
      }
    })();
    // Files under /proc and /sys look regular but are made by the kernel on reading.
    if (/^\/(proc|sys)\//.test(real)) return { kind: "not_regular", what: "a kernel pseudo-file" };
    if (stat.size > maxBytes) return { kind: "too_large", size: stat.size };
    if (stat.stamp === options.known) return { kind: "unchanged", stamp: stat.stamp };
    // One byte more than allowed tells a file that grew past the limit.
    const buffer = new Uint8Array(maxBytes + 1);
    reading = libc().read_in_background(fd, buffer, BigInt(buffer.length));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const result = await Promise.race([reading, timedOut]);
    clearTimeout(timer);
    if (result === "timeout") return { kind: "timeout", ms: timeoutMs };
    reading = null;
    const count = Number(result);
    if (count < 0) {
      throw new SyscallError(
        "read",
        0,
        `path "${path}" (the error number is not known: the read ran on another thread)`,
      );
    }
    if (count > maxBytes) return { kind: "too_large", size: count };
    return { kind: "ok", bytes: buffer.slice(0, count), mtimeMs: stat.mtimeMs, stamp: stat.stamp };
  } finally {
    // A read still under way owns the descriptor until it returns.
    if (reading) reading.finally(() => closeQuietly(fd));
    else closeQuietly(fd);
  }
}
