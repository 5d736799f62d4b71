/**
 * An inotify instance with watches on directories.
 *
 * @module
 */
import { O } from "./_constants.ts";
import { FSNOTIFY_BITS } from "./_fsnotify_bits.ts";
import { check, cString, libc } from "./libc.ts";
import { NotifyDescriptor } from "./_descriptor.ts";

/** inotify event bits (linux/inotify.h). */
export const IN = {
  ...FSNOTIFY_BITS,
  DELETE_SELF: 0x400,
  MOVE_SELF: 0x800,
  UNMOUNT: 0x2000,
  IGNORED: 0x8000,
  ISDIR: 0x40000000,
} as const;

const HEADER_SIZE = 16;

/** Where the events of one read go, one call each, in the order the kernel queued them. */
export interface InotifySink {
  /**
   * An event with IN_* bits `mask` on watch `watch`; {@linkcode Inotify.entryName}
   * gives its entry's name during this call ("" for the watched directory itself).
   */
  event(mask: number, watch: number): void;
  /** The kernel's queue overflowed: events were lost. */
  overflow(): void;
  /** A record that could not be parsed (the rest of the read is skipped). */
  malformed(): void;
}

/** An inotify instance. */
export class Inotify extends NotifyDescriptor {
  /** Creates a non-blocking instance. */
  static open(): Inotify {
    return new Inotify(
      // IN_NONBLOCK and IN_CLOEXEC are O_NONBLOCK and O_CLOEXEC.
      check("inotify_init1", libc().inotify_init1(O.NONBLOCK | O.CLOEXEC)),
    );
  }

  /** Watches `path` for `mask`; returns the watch descriptor. */
  addWatch(path: string, mask: number): number {
    return check(
      "inotify_add_watch",
      libc().inotify_add_watch(this.fd, cString(path), mask),
      `path "${path}"`,
    );
  }

  /**
   * Reads what is queued now, without waiting, and hands each event to
   * `sink`. Returns the bytes read: 0 when nothing was queued.
   */
  readInto(sink: InotifySink): number {
    const length = this.fill();
    const view = this.view;
    let offset = 0;
    while (offset + HEADER_SIZE <= length) {
      const nameLength = view.getUint32(offset + 12, true);
      if (offset + HEADER_SIZE + nameLength > length) {
        sink.malformed();
        break;
      }
      const mask = view.getUint32(offset + 4, true);
      const start = offset + HEADER_SIZE;
      offset = start + nameLength;
      if (mask & IN.Q_OVERFLOW) {
        sink.overflow();
        continue;
      }
      // The name's end is found only if someone asks for it.
      this.nameStart = start;
      this.nameEnd = offset;
      sink.event(mask, view.getInt32(start - HEADER_SIZE, true));
    }
    return length;
  }
}
