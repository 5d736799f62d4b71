/**
 * Storage failures told in the admin's terms.
 *
 * @module
 */
import { statvfs } from "../ffi/statvfs.ts";

/** The disk holding the data directory is full. */
export class StorageFullError extends Error {
  /** Free bytes on that disk when the write failed (for unprivileged users), or null. */
  readonly freeBytes: number | null;

  constructor(dataDir: string, freeBytes: number | null, options?: ErrorOptions) {
    super(
      `The disk holding "${dataDir}" is full: ${
        freeBytes === null ? "an unknown number of" : freeBytes.toLocaleString("en-US")
      } bytes free. Nothing stored was lost; free space on that disk and collection resumes by itself.`,
      options,
    );
    this.name = "StorageFullError";
    this.freeBytes = freeBytes;
  }
}

const FULL = /database or disk is full|SQLITE_FULL|no space left on device|ENOSPC/i;

/** Whether `error` says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  return error instanceof StorageFullError ||
    (error instanceof Error && (FULL.test(error.message) || (error.cause !== undefined &&
      isDiskFull(error.cause))));
}

/**
 * `error` as the admin should read it: a full disk becomes a
 * {@linkcode StorageFullError} naming `dataDir` and its free space; other
 * errors are returned unchanged.
 */
export function explainStorageError(error: unknown, dataDir: string): unknown {
  if (error instanceof StorageFullError || !isDiskFull(error)) return error;
  let free: number | null = null;
  try {
    free = statvfs(dataDir).availableBytes;
  } catch {
    // The free space is not known; the message says so.
  }
  return new StorageFullError(dataDir, free, { cause: error });
}
