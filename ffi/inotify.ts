/**
 * An inotify instance with watches on directories.
 *
 * @module
 */
import { FSNOTIFY_BITS } from "./_fsnotify_bits.ts";
import { check, cString, libc, readCString } from "./libc.ts";
import { closeQuietly, readAvailable, waitReadable } from "./_descriptor.ts";

/** inotify event bits (linux/inotify.h). */
export const IN = {
  ...FSNOTIFY_BITS,
  UNMOUNT: 0x2000,
  IGNORED: 0x8000,
  ISDIR: 0x40000000,
} as const;

const IN_NONBLOCK = 0o4000;
const IN_CLOEXEC = 0o2000000;
const HEADER_SIZE = 16;

/** One inotify event. */
export interface InotifyEvent {
  watch: number;
  mask: number;
  cookie: number;
  name: string;
}

/** The outcome of one read. */
export interface InotifyBatch {
  events: InotifyEvent[];
  malformed: number;
}

/** An inotify instance. */
export class Inotify {
  readonly #fd: number;
  readonly #buffer = new Uint8Array(256 * 1024);
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Creates a non-blocking instance. */
  static open(): Inotify {
    return new Inotify(
      check("inotify_init1", libc().inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
    );
  }

  /** Watches `path` for `mask`; returns the watch descriptor. */
  addWatch(path: string, mask: number): number {
    return check(
      "inotify_add_watch",
      libc().inotify_add_watch(this.#fd, cString(path), mask),
      `path "${path}"`,
    );
  }

  /** Waits up to `timeoutMs` and reads what is queued. */
  read(timeoutMs: number): InotifyBatch {
    const batch: InotifyBatch = { events: [], malformed: 0 };
    if (!waitReadable(this.#fd, timeoutMs)) return batch;
    const length = readAvailable(this.#fd, this.#buffer);
    const view = new DataView(this.#buffer.buffer, 0, length);
    let offset = 0;
    while (offset + HEADER_SIZE <= length) {
      const nameLength = view.getUint32(offset + 12, true);
      if (offset + HEADER_SIZE + nameLength > length) {
        batch.malformed++;
        break;
      }
      batch.events.push({
        watch: view.getInt32(offset, true),
        mask: view.getUint32(offset + 4, true),
        cookie: view.getUint32(offset + 8, true),
        name: nameLength > 0 ? readCString(this.#buffer, offset + HEADER_SIZE, nameLength) : "",
      });
      offset += HEADER_SIZE + nameLength;
    }
    return batch;
  }

  /** Closes the instance. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#fd);
  }
}
