// The event bits fanotify and inotify share: both interfaces report the
// kernel's fsnotify FS_* values under their own prefixes.

/** Bits with the same value in linux/fanotify.h and linux/inotify.h. */
export const FSNOTIFY_BITS = {
  ACCESS: 0x1,
  MODIFY: 0x2,
  ATTRIB: 0x4,
  CLOSE_WRITE: 0x8,
  CLOSE_NOWRITE: 0x10,
  OPEN: 0x20,
  MOVED_FROM: 0x40,
  MOVED_TO: 0x80,
  CREATE: 0x100,
  DELETE: 0x200,
  Q_OVERFLOW: 0x4000,
} as const;
