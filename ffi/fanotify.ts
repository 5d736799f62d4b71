/**
 * A notification-only fanotify group reporting directory handles and names.
 *
 * @module
 */
import { AT, O } from "./_constants.ts";
import { FSNOTIFY_BITS } from "./_fsnotify_bits.ts";
import { check, cString, lastErrno, libc } from "./libc.ts";
import { SyscallError } from "./syscall_error.ts";
import { closeQuietly, NotifyDescriptor, openPath, readLink } from "./_descriptor.ts";

/** fanotify event bits (linux/fanotify.h). */
export const FAN = {
  ...FSNOTIFY_BITS,
  OPEN_EXEC: 0x1000,
  ONDIR: 0x40000000,
} as const;

/** fanotify_init(2) and fanotify_mark(2) flags, and the record layout (linux/fanotify.h). */
const INIT = {
  CLOEXEC: 0x1,
  NONBLOCK: 0x2,
  UNLIMITED_QUEUE: 0x10,
  REPORT_DFID_NAME: 0xc00,
} as const;
const MARK = { ADD: 0x1, FILESYSTEM: 0x100 } as const;
const METADATA_SIZE = 24;
const INFO = { DFID_NAME: 2, DFID: 3 } as const;

/** Where the events of one read go, one call each, in the order the kernel queued them. */
export interface FanotifySink {
  /**
   * An event with FAN_* bits `mask` in the directory behind `directory`
   * (a key for {@linkcode Fanotify.directoryPath}; null when the record
   * names none). {@linkcode Fanotify.entryName} gives its entry's name
   * during this call.
   */
  event(mask: number, directory: string | null): void;
  /** The kernel's queue overflowed: events were lost. */
  overflow(): void;
  /** A record that could not be parsed (the rest of the read is skipped). */
  malformed(): void;
}

/** A fanotify group in FID mode with filesystem marks. */
export class Fanotify extends NotifyDescriptor {
  readonly #mountFds: number[] = [];
  readonly #handles = new Map<string, Uint8Array<ArrayBuffer>>();
  readonly #paths = new Map<string, string>();
  /** The handle bytes of the last directory seen, and its key: floods come from few directories. */
  #lastHandle = new Uint8Array(0);
  #lastKey = "";

  /**
   * Creates the group. Throws a {@linkcode SyscallError} with `EPERM` when
   * the process lacks CAP_SYS_ADMIN, `ENOSYS` or `EINVAL` when the kernel
   * lacks the feature.
   */
  static open(): Fanotify {
    const fd = check(
      "fanotify_init",
      libc().fanotify_init(
        // No queue limit (CAP_SYS_ADMIN, which fanotify needs anyway): the
        // reader lets events gather between drains without losing a flood.
        INIT.CLOEXEC | INIT.NONBLOCK | INIT.UNLIMITED_QUEUE | INIT.REPORT_DFID_NAME,
        O.RDONLY | O.LARGEFILE,
      ),
    );
    return new Fanotify(fd);
  }

  /** Marks the whole filesystem holding `path` for the events in `mask`. */
  markFilesystem(path: string, mask: number): void {
    const result = libc().fanotify_mark(
      this.fd,
      MARK.ADD | MARK.FILESYSTEM,
      BigInt(mask),
      AT.FDCWD,
      cString(path),
    );
    if (result < 0) {
      throw new SyscallError("fanotify_mark", lastErrno(), `path "${path}"`);
    }
    // open_by_handle_at(2) refuses an O_PATH mount descriptor (EBADF).
    this.#mountFds.push(openPath(path, O.RDONLY | O.DIRECTORY));
  }

  /**
   * Reads what is queued now, without waiting, and hands each event to
   * `sink`. Returns the bytes read: 0 when nothing was queued.
   */
  readInto(sink: FanotifySink): number {
    const length = this.fill();
    const view = this.view;
    let offset = 0;
    while (offset + METADATA_SIZE <= length) {
      const eventLength = view.getUint32(offset, true);
      const metadataLength = view.getUint16(offset + 6, true);
      if (
        eventLength < METADATA_SIZE || offset + eventLength > length ||
        metadataLength < METADATA_SIZE || metadataLength > eventLength
      ) {
        sink.malformed();
        break;
      }
      // Every FAN_* bit lies in the low 32 bits of the 64-bit mask.
      const mask = view.getUint32(offset + 8, true);
      const fd = view.getInt32(offset + 16, true);
      if (fd >= 0) closeQuietly(fd);
      const end = offset + eventLength;
      offset = end;
      if (mask & FAN.Q_OVERFLOW) {
        sink.overflow();
        continue;
      }
      let directory: string | null = null;
      this.nameStart = this.nameEnd = 0;
      let info = offset - eventLength + metadataLength;
      let broken = false;
      while (info + 4 <= end) {
        const type = this.buffer[info]!;
        const infoLength = view.getUint16(info + 2, true);
        if (infoLength < 4 || info + infoLength > end) {
          broken = true;
          break;
        }
        if (type === INFO.DFID_NAME || type === INFO.DFID) {
          // header(4) fsid(8) handle_bytes(4) handle_type(4) f_handle[] name
          const handleEnd = info + 20 + view.getUint32(info + 12, true);
          if (handleEnd > info + infoLength) {
            broken = true;
            break;
          }
          directory = this.#keyOf(info + 4, handleEnd);
          if (type === INFO.DFID_NAME) {
            // The name's end is found only if someone asks for it.
            this.nameStart = handleEnd;
            this.nameEnd = info + infoLength;
          }
        }
        info += infoLength;
      }
      if (broken) {
        sink.malformed();
        continue;
      }
      sink.event(mask, directory);
    }
    return length;
  }

  /** The key of the handle in `[start, end)` of the buffer (fsid, size, type, handle). */
  #keyOf(start: number, end: number): string {
    const buffer = this.buffer;
    const last = this.#lastHandle;
    if (last.length === end - start) {
      let same = true;
      for (let i = 0; i < last.length; i++) {
        if (last[i] !== buffer[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.#lastKey;
    }
    const bytes = buffer.slice(start, end);
    // One character per byte: a compact key, made by a native call.
    const key = String.fromCharCode.apply(null, bytes as unknown as number[]);
    // The handle proper (from handle_bytes on), for open_by_handle_at(2).
    if (!this.#handles.has(key)) {
      if (this.#handles.size > 65536) this.#handles.clear();
      this.#handles.set(key, bytes.slice(8));
    }
    this.#lastHandle = bytes;
    this.#lastKey = key;
    return key;
  }

  protected override closeMore(): void {
    for (const fd of this.#mountFds) closeQuietly(fd);
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
      const fd = libc().open_by_handle_at(mountFd, handle, O.PATH | O.CLOEXEC);
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
}
