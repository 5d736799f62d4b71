/**
 * The one way vitrine reads a file it did not just write: without ever
 * blocking on what the path turns out to be. A FIFO, a device, a socket
 * or a kernel pseudo-file is refused before anything is read (the open
 * itself never waits: O_NONBLOCK), and the read has a time limit (a hung
 * network filesystem).
 *
 * @module
 */
import { AT, ERRNO, O, OPENAT2, S_IFMT } from "./_constants.ts";
import { check, cString, lastErrno, libc } from "./libc.ts";
import { closeQuietly, readLink } from "./_descriptor.ts";
import { SyscallError } from "./syscall_error.ts";

/** statx(2) mask bits (linux/stat.h), and the size of struct statx. */
const STATX = {
  TYPE: 0x1,
  MODE: 0x2,
  NLINK: 0x4,
  UID: 0x8,
  MTIME: 0x40,
  CTIME: 0x80,
  INO: 0x100,
  SIZE: 0x200,
  BYTES: 256,
} as const;

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
  ino: number;
  mtimeMs: number;
  /** Permission bits (0o7777). */
  permissions: number;
  /** The owner's user id. */
  uid: number;
  /** How many names the file has (hard links). */
  nlink: number;
  /** Changes whenever the file does: inode, size, modification and change times. */
  stamp: string;
}

function statx(dirfd: number, path: string, flags: number): Stat {
  const buffer = new Uint8Array(STATX.BYTES);
  check(
    "statx",
    libc().statx(
      dirfd,
      cString(path),
      flags,
      STATX.TYPE | STATX.MODE | STATX.NLINK | STATX.UID | STATX.SIZE | STATX.MTIME | STATX.CTIME |
        STATX.INO,
      buffer,
    ),
    `path "${path}"`,
  );
  const view = new DataView(buffer.buffer);
  const mode = view.getUint16(28, true);
  const time = (offset: number) =>
    `${view.getBigInt64(offset, true)}.${view.getUint32(offset + 8, true)}`;
  const size = Number(view.getBigUint64(40, true));
  const ino = view.getBigUint64(32, true);
  return {
    type: FILE_TYPES[mode & S_IFMT] ?? "an unknown kind of file",
    size,
    ino: Number(ino),
    mtimeMs: Number(view.getBigInt64(112, true)) * 1000 + view.getUint32(120, true) / 1e6,
    permissions: mode & 0o7777,
    uid: view.getUint32(20, true),
    nlink: view.getUint32(16, true),
    stamp: `${ino}:${size}:${time(112)}:${time(96)}`,
  };
}

/**
 * What `path` holds now, as a stamp that changes whenever it does (inode,
 * size, times; "absent" when nothing is there). Nothing is opened or read.
 */
export function pathStamp(path: string): string {
  try {
    return statx(AT.FDCWD, path, 0).stamp;
  } catch (error) {
    return error instanceof SyscallError && error.code === "ENOENT" ? "absent" : "unreadable";
  }
}

/** Why a path could not be read as a regular file (no content was read). */
export type Refusal =
  | { kind: "absent" }
  | { kind: "link_in_path" }
  | { kind: "unsafe_path"; why: string }
  | { kind: "dangling_link"; target: string }
  | { kind: "not_regular"; what: string }
  | { kind: "too_large"; size: number }
  | { kind: "timeout"; ms: number };

/** The outcome of {@linkcode readRegularFile}. */
export type RegularFileRead =
  | Refusal
  | { kind: "unchanged"; stamp: string }
  | {
    kind: "ok";
    bytes: Uint8Array<ArrayBuffer>;
    mtimeMs: number;
    /** The file's permission bits (0o7777). */
    permissions: number;
    stamp: string;
  };

/** The outcome of {@linkcode readRegularRange}. */
export type RegularRangeRead =
  | Refusal
  | {
    kind: "ok";
    /** What lies at the offset asked for: at most the length asked for. */
    bytes: Uint8Array<ArrayBuffer>;
    /** The file's size, inode, owner and number of names when it was read. */
    size: number;
    ino: number;
    uid: number;
    nlink: number;
    stamp: string;
  };

/** How to read. */
export interface ReadOptions {
  /** Give up after this long (default 2 s). */
  timeoutMs?: number;
  /** Refuse a symbolic link at `path` itself rather than follow it. */
  noFollow?: boolean;
  /**
   * Refuse a symbolic link anywhere along `path` (a directory swapped for a
   * link while the file is opened too), and a path with "." or ".." in it:
   * for paths that someone other than the administrator chose.
   */
  noLinks?: boolean;
}

/** A refusal in words, for messages: "is a FIFO (named pipe)", "does not exist". */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.kind) {
    case "absent":
      return "does not exist";
    case "link_in_path":
      return "is reached through a symbolic link (vitrine follows none on such a path)";
    case "unsafe_path":
      return `is not a path vitrine opens: ${refusal.why}`;
    case "dangling_link":
      return `is a symbolic link to "${refusal.target}", which does not exist`;
    case "not_regular":
      return `is not a regular file: it is ${refusal.what}`;
    case "too_large":
      return `is too large (${refusal.size} bytes)`;
    case "timeout":
      return `could not be read within ${refusal.ms} ms (a hung network filesystem?)`;
  }
}

/** Why `path` is not one that names a file by itself, or null. */
function unsafePath(path: string): string | null {
  if (!path.startsWith("/")) return "it is not absolute";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\ufffd]/.test(path)) {
    return "it holds control characters or bytes that are not UTF-8";
  }
  const parts = path.split("/").slice(1);
  if (parts.some((part) => part === "" || part === "." || part === "..")) {
    return 'it has an empty, "." or ".." component';
  }
  return null;
}

/**
 * Opens `path` (checked by {@linkcode unsafePath}) with no symbolic link in
 * any component: openat2(2) with RESOLVE_NO_SYMLINKS, or where the kernel
 * or a system-call filter lacks it, a walk of openat(O_NOFOLLOW) one
 * directory at a time. Returns the descriptor, the error number, or a
 * refusal.
 */
function openWithoutLinks(path: string, flags: number): Opened {
  const why = unsafePath(path);
  if (why !== null) return { kind: "unsafe_path", why };
  const how = new Uint8Array(OPENAT2.HOW_BYTES);
  const view = new DataView(how.buffer);
  view.setBigUint64(0, BigInt(flags), true);
  view.setBigUint64(16, BigInt(OPENAT2.RESOLVE_NO_SYMLINKS | OPENAT2.RESOLVE_NO_MAGICLINKS), true);
  const fd = Number(
    libc().syscall_openat2(
      BigInt(OPENAT2.SYSCALL),
      AT.FDCWD,
      cString(path),
      how,
      BigInt(how.length),
    ),
  );
  if (fd >= 0) return { fd };
  const errno = lastErrno();
  if (errno === ERRNO.ELOOP) return { kind: "link_in_path" };
  if (errno !== ERRNO.ENOSYS && errno !== ERRNO.EPERM && errno !== ERRNO.E2BIG) return { errno };
  return walkWithoutLinks(path, flags);
}

type Opened = { fd: number } | { errno: number } | Refusal;

/** The walk of {@linkcode openWithoutLinks}, one directory descriptor at a time. */
function walkWithoutLinks(path: string, flags: number): Opened {
  const parts = path.split("/").slice(1);
  let dir = libc().open(cString("/"), O.PATH | O.DIRECTORY | O.CLOEXEC, 0);
  if (dir < 0) return { errno: lastErrno() };
  try {
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const next = libc().openat(
        dir,
        cString(part),
        last ? flags : O.PATH | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC,
        0,
      );
      if (next < 0) {
        const errno = lastErrno();
        if (errno === ERRNO.ELOOP) return { kind: "link_in_path" };
        // O_PATH | O_DIRECTORY | O_NOFOLLOW on a link fails with ENOTDIR.
        if (errno === ERRNO.ENOTDIR && !last) {
          try {
            if (statx(dir, part, AT.SYMLINK_NOFOLLOW).type === "a symbolic link") {
              return { kind: "link_in_path" };
            }
          } catch { /* what open said stands */ }
        }
        return { errno };
      }
      closeQuietly(dir);
      dir = next;
    }
    const fd = dir;
    dir = -1;
    return { fd };
  } finally {
    closeQuietly(dir);
  }
}

/**
 * Opens `path` for reading without blocking, checks that it is a regular
 * file on disk, and runs `read` on its descriptor; the descriptor is closed
 * once `read` is done (or, after a time-out, once the read under way returns).
 */
async function withRegularFile<T>(
  path: string,
  options: ReadOptions,
  read: (fd: number, stat: Stat, background: (p: Promise<number | bigint>) => void) => Promise<T>,
): Promise<T | Refusal> {
  const flags = O.RDONLY | O.NONBLOCK | O.NOCTTY | O.CLOEXEC |
    (options.noFollow || options.noLinks ? O.NOFOLLOW : 0);
  let fd: number;
  let errno = 0;
  if (options.noLinks) {
    const opened = openWithoutLinks(path, flags);
    if ("kind" in opened) return opened;
    if ("errno" in opened) {
      if (opened.errno === ERRNO.ENOENT) return { kind: "absent" };
      throw new SyscallError("openat2", opened.errno, `path "${path}"`);
    }
    fd = opened.fd;
  } else {
    fd = libc().open(cString(path), flags, 0);
    if (fd < 0) errno = lastErrno();
  }
  if (fd < 0) {
    if (errno === ERRNO.ELOOP && options.noFollow) {
      return { kind: "not_regular", what: "a symbolic link" };
    }
    if (errno !== ERRNO.ENOENT) throw new SyscallError("open", errno, `path "${path}"`);
    try {
      statx(AT.FDCWD, path, AT.SYMLINK_NOFOLLOW);
      return { kind: "dangling_link", target: readLink(path) };
    } catch {
      return { kind: "absent" };
    }
  }
  let pending: Promise<number | bigint> | null = null;
  try {
    const stat = statx(fd, "", AT.EMPTY_PATH);
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
    return await read(fd, stat, (p) => pending = p);
  } finally {
    // A read still under way owns the descriptor until it returns.
    if (pending) (pending as Promise<unknown>).finally(() => closeQuietly(fd));
    else closeQuietly(fd);
  }
}

/** Reads `length` bytes at `offset` of `fd` on another thread, or times out. */
async function preadWithin(
  fd: number,
  length: number,
  offset: number,
  timeoutMs: number,
  path: string,
  background: (p: Promise<number | bigint>) => void,
): Promise<Uint8Array<ArrayBuffer> | { kind: "timeout"; ms: number }> {
  const buffer = new Uint8Array(length);
  const reading = libc().pread_in_background(fd, buffer, BigInt(length), BigInt(offset));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const result = await Promise.race([reading, timedOut]);
  clearTimeout(timer);
  if (result === "timeout") {
    background(reading);
    return { kind: "timeout", ms: timeoutMs };
  }
  const count = Number(result);
  if (count < 0) {
    throw new SyscallError(
      "pread",
      0,
      `path "${path}" (the error number is not known: the read ran on another thread)`,
    );
  }
  return buffer.subarray(0, count).slice();
}

/**
 * Reads `path` whole if it is a regular file on disk of at most
 * `maxBytes`. When the file's stamp is still `known` (it did not change
 * since the read that gave that stamp) nothing is read. Errors other than
 * absence (such as EACCES) throw a {@linkcode SyscallError}.
 */
export function readRegularFile(
  path: string,
  maxBytes: number,
  options: ReadOptions & { known?: string } = {},
): Promise<RegularFileRead> {
  return withRegularFile(path, options, async (fd, stat, background) => {
    if (stat.size > maxBytes) return { kind: "too_large", size: stat.size } as const;
    if (stat.stamp === options.known) return { kind: "unchanged", stamp: stat.stamp } as const;
    // One byte more than allowed tells a file that grew past the limit.
    const read = await preadWithin(
      fd,
      maxBytes + 1,
      0,
      options.timeoutMs ?? 2000,
      path,
      background,
    );
    if (!(read instanceof Uint8Array)) return read;
    if (read.length > maxBytes) return { kind: "too_large", size: read.length } as const;
    return {
      kind: "ok",
      bytes: read,
      mtimeMs: stat.mtimeMs,
      permissions: stat.permissions,
      stamp: stat.stamp,
    } as const;
  });
}

/**
 * Reads at most `length` bytes at byte `offset` of `path` (a regular file
 * on disk of any size): the head of a database, the new end of a log.
 */
export function readRegularRange(
  path: string,
  offset: number,
  length: number,
  options: ReadOptions = {},
): Promise<RegularRangeRead> {
  return withRegularFile(path, options, async (fd, stat, background) => {
    const wanted = Math.max(0, Math.min(length, stat.size - offset));
    const read = wanted === 0
      ? new Uint8Array(0)
      : await preadWithin(fd, wanted, offset, options.timeoutMs ?? 2000, path, background);
    if (!(read instanceof Uint8Array)) return read;
    return {
      kind: "ok",
      bytes: read,
      size: stat.size,
      ino: stat.ino,
      uid: stat.uid,
      nlink: stat.nlink,
      stamp: stat.stamp,
    } as const;
  });
}

/**
 * The text of a small regular file (UTF-8, invalid bytes replaced), or why
 * it cannot be had; for files a caller reads whole and whose absence it
 * expects (markers, notes, tokens, configuration).
 */
export async function readSmallText(
  path: string,
  maxBytes: number,
  options: ReadOptions = {},
): Promise<{ kind: "ok"; text: string } | Refusal> {
  const read = await readRegularFile(path, maxBytes, options);
  if (read.kind === "unchanged") throw new Error("unreachable: no stamp was given");
  if (read.kind !== "ok") return read;
  return { kind: "ok", text: new TextDecoder().decode(read.bytes) };
}
