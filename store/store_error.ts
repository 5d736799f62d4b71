/**
 * Storage failures told in the admin's terms, with what to do: a database
 * that cannot be used as it is, a disk that is full.
 *
 * @module
 */
import { statvfs } from "../ffi/statvfs.ts";

/** The database could not be used as it is; the message says what to do. */
export class StoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
}

const DAMAGE = /not a database|malformed|corrupt|disk image/i;

/** Whether `error` says the database file is damaged. */
export function isDamage(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (DAMAGE.test(e.message)) return true;
  }
  return false;
}

/** What to tell an admin whose database at `path` is damaged. */
export function damageAdvice(path: string): string {
  return `Keep a copy (for example "${path}.damaged"), then either recover what is readable with \`sqlite3 "${path}" .recover | sqlite3 "${path}.recovered"\` and move the recovered file in its place, or move the damaged one aside and start again to create a new one`;
}

/**
 * `error` as the admin should read it: a damaged database becomes a
 * {@linkcode StoreError} that says so and what to do; others are returned as they are.
 */
export function asStoreError(error: unknown, path: string): unknown {
  if (error instanceof StoreError || !isDamage(error)) return error;
  return new StoreError(
    `The database "${path}" is damaged (${(error as Error).message}). ${damageAdvice(path)}.`,
    { cause: error },
  );
}

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
