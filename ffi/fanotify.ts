/**
 * A notification-only fanotify group reporting directory handles and names.
 *
 * @module
 */
import { FSNOTIFY_BITS } from "./_fsnotify_bits.ts";
import { check, cString, lastErrno, libc, readCString } from "./libc.ts";
import { SyscallError } from "./syscall_error.ts";
import { closeQuietly, openPath, readAvailable, readLink, waitReadable } from "./_descriptor.ts";

/** fanotify event bits (linux/fanotify.h). */
export const FAN = {
  ...FSNOTIFY_BITS,
  OPEN_EXEC: 0x1000,
  ONDIR: 0x40000000,
} as const;

const FAN_CLOEXEC = 0x1;
const FAN_NONBLOCK = 0x2;
const FAN_REPORT_DFID_NAME = 0xc00;
const FAN_MARK_ADD = 0x1;
const FAN_MARK_FILESYSTEM = 0x100;
const O_RDONLY = 0;
const O_LARGEFILE = 0o100000;
const O_PATH = 0o10000000;
const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;
const AT_FDCWD = -100;
const METADATA_SIZE = 24;
const INFO_DFID_NAME = 2;
const INFO_DFID = 3;

/** One event read from the group. */
export interface FanotifyEvent {
  /** The FAN_* bits of the event (merged events carry several). */
  mask: number;
  pid: number;
  /** A key naming the parent directory's handle; null for overflow events. */
  directoryKey: string | null;
  /** The entry name inside that directory ("." for the directory itself). */
  name: string | null;
}

/** The outcome of one read: events, plus records that could not be parsed. */
export interface FanotifyBatch {
  events: FanotifyEvent[];
  malformed: number;
}

/** A fanotify group in FID mode with filesystem marks. */
export class Fanotify {
  readonly #fd: number;
  readonly #mountFds: number[] = [];
  readonly #handles = new Map<string, Uint8Array<ArrayBuffer>>();
  readonly #paths = new Map<string, string>();
  readonly #buffer = new Uint8Array(256 * 1024);
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /**
   * Creates the group. Throws a {@linkcode SyscallError} with `EPERM` when
   * the process lacks CAP_SYS_ADMIN, `ENOSYS` or `EINVAL` when the kernel
   * lacks the feature.
   */
  static open(): Fanotify {
    const fd = check(
      "fanotify_init",
      libc().fanotify_init(
        FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME,
        O_RDONLY | O_LARGEFILE,
      ),
    );
    return new Fanotify(fd);
  }

  /** Marks the whole filesystem holding `path` for the events in `mask`. */
  markFilesystem(path: string, mask: number): void {
    const result = libc().fanotify_mark(
      this.#fd,
      FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
      BigInt(mask),
      AT_FDCWD,
      cString(path),
    );
    if (result < 0) {
      throw new SyscallError("fanotify_mark", lastErrno(), `path "${path}"`);
    }
    // open_by_handle_at(2) refuses an O_PATH mount descriptor (EBADF).
    this.#mountFds.push(openPath(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }

  /** Waits up to `timeoutMs` and reads what is queued. */
  read(timeoutMs: number): FanotifyBatch {
    const batch: FanotifyBatch = { events: [], malformed: 0 };
    if (!waitReadable(this.#fd, timeoutMs)) return batch;
    const length = readAvailable(this.#fd, this.#buffer);
    const view = new DataView(this.#buffer.buffer, 0, length);
    let offset = 0;
    while (offset + METADATA_SIZE <= length) {
      const eventLength = view.getUint32(offset, true);
      const metadataLength = view.getUint16(offset + 6, true);
      if (
        eventLength < METADATA_SIZE || offset + eventLength > length ||
        metadataLength < METADATA_SIZE || metadataLength > eventLength
      ) {
        batch.malformed++;
        break;
      }
      const mask = Number(view.getBigUint64(offset + 8, true));
      const fd = view.getInt32(offset + 16, true);
      const pid = view.getInt32(offset + 20, true);
      if (fd >= 0) closeQuietly(fd);
      const event: FanotifyEvent = {
        mask,
        pid,
        directoryKey: null,
        name: null,
      };
      let info = offset + metadataLength;
      const end = offset + eventLength;
      while (info + 4 <= end) {
        const type = view.getUint8(info);
        const infoLength = view.getUint16(info + 2, true);
        if (infoLength < 4 || info + infoLength > end) {
          batch.malformed++;
          break;
        }
        if (type === INFO_DFID_NAME || type === INFO_DFID) {
          // header(4) fsid(8) handle_bytes(4) handle_type(4) f_handle[] name
          const handleBytes = view.getUint32(info + 12, true);
          const handleStart = info + 12;
          const handleEnd = handleStart + 8 + handleBytes;
          if (handleEnd > info + infoLength) {
            batch.malformed++;
            break;
          }
          const key = hex(this.#buffer.subarray(info + 4, handleEnd));
          if (!this.#handles.has(key)) {
            this.#handles.set(
              key,
              this.#buffer.slice(handleStart, handleEnd),
            );
          }
          event.directoryKey = key;
          event.name = type === INFO_DFID_NAME
            ? readCString(
              this.#buffer,
              handleEnd,
              info + infoLength - handleEnd,
            )
            : ".";
        }
        info += infoLength;
      }
      batch.events.push(event);
      offset += eventLength;
    }
    return batch;
  }

  /**
   * The path of the directory behind `key`, resolved through
   * `open_by_handle_at(2)` and cached; null when it no longer exists.
   */
  directoryPath(key: string): string | null {
    const cached = this.#paths.get(key);
    if (cached !== undefined) return cached;
    const handle = this.#handles.get(key);
    if (handle === undefined) return null;
    for (const mountFd of this.#mountFds) {
      const fd = libc().open_by_handle_at(mountFd, handle, O_PATH | O_CLOEXEC);
      if (fd < 0) continue;
      try {
        const path = readLink(`/proc/self/fd/${fd}`);
        // Bound the cache: a busy filesystem has many directories.
        if (this.#paths.size > 65536) this.#paths.clear();
        this.#paths.set(key, path);
        return path;
      } finally {
        closeQuietly(fd);
      }
    }
    return null;
  }

  /** Closes the group and its mount descriptors. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const fd of this.#mountFds) closeQuietly(fd);
    closeQuietly(this.#fd);
  }
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
