// Internal helpers shared by the descriptor-based wrappers (fanotify,
// inotify, the mount table, regular files).
import { ERRNO, O, POLL } from "./_constants.ts";
import { check, cString, lastErrno, libc } from "./libc.ts";
import { SyscallError } from "./syscall_error.ts";

/** Reads from a non-blocking descriptor; 0 when nothing is queued. */
export function readAvailable(fd: number, buffer: Uint8Array): number {
  const count = Number(libc().read(fd, buffer, BigInt(buffer.length)));
  if (count < 0) {
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN || errno === ERRNO.EINTR) return 0;
    throw new SyscallError("read", errno);
  }
  return count;
}

/** Closes a descriptor, ignoring errors (used on teardown paths). */
export function closeQuietly(fd: number): void {
  if (fd >= 0) libc().close(fd);
}

/** Opens `path` with `flags` (close-on-exec always) and returns the descriptor. */
export function openPath(path: string, flags: number): number {
  return check("open", libc().open(cString(path), flags | O.CLOEXEC, 0), `path "${path}"`);
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

/**
 * Waits for a descriptor to become readable on another thread (poll(2) in
 * a non-blocking FFI call), so that the agent's own thread wakes as soon as
 * the kernel has something, not on a timer. An eventfd beside it lets
 * {@linkcode Readiness.interrupt} end a wait at once.
 */
export class Readiness {
  readonly #fd: number;
  readonly #wakeFd: number;
  // Two struct pollfd: the watched descriptor, then the eventfd. Kept for
  // the life of the object: the other thread writes into it.
  readonly #pollfds = new Uint8Array(16);
  readonly #view = new DataView(this.#pollfds.buffer);
  readonly #one = new Uint8Array(8);
  #waiting: Promise<boolean> | null = null;
  #closed = false;

  /** Watches `fd` (which the caller owns and closes). */
  constructor(fd: number) {
    this.#fd = fd;
    // EFD_NONBLOCK and EFD_CLOEXEC are O_NONBLOCK and O_CLOEXEC.
    this.#wakeFd = check("eventfd", libc().eventfd(0, O.NONBLOCK | O.CLOEXEC));
    new DataView(this.#one.buffer).setBigUint64(0, 1n, true);
  }

  /**
   * Resolves true once the descriptor is readable, false after `timeoutMs`
   * or an interruption. One wait at a time.
   */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#waiting) return this.#waiting;
    this.#view.setInt32(0, this.#fd, true);
    this.#view.setInt16(4, POLL.IN, true);
    this.#view.setInt16(6, 0, true);
    this.#view.setInt32(8, this.#wakeFd, true);
    this.#view.setInt16(12, POLL.IN, true);
    this.#view.setInt16(14, 0, true);
    const waiting = libc().poll_in_background(this.#pollfds, 2n, timeoutMs).then((ready) => {
      this.#waiting = null;
      // A failed poll (EINTR; errno belongs to the other thread) is "not yet".
      if (ready <= 0) return false;
      if (this.#view.getInt16(14, true) & POLL.IN) readAvailable(this.#wakeFd, new Uint8Array(8));
      return (this.#view.getInt16(6, true) & (POLL.IN | POLL.ERR | POLL.HUP)) !== 0;
    });
    this.#waiting = waiting;
    return waiting;
  }

  /** Ends the wait under way (if any) at once. */
  interrupt(): void {
    if (!this.#closed) libc().write(this.#wakeFd, this.#one, 8n);
  }

  /**
   * Ends any wait and releases the eventfd once the other thread is done
   * with it; the watched descriptor may be closed after this resolves.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.interrupt();
    this.#closed = true;
    await this.#waiting;
    closeQuietly(this.#wakeFd);
  }
}

const decoder = new TextDecoder();

/**
 * What fanotify and inotify descriptors share: a non-blocking descriptor,
 * a wait for readiness on another thread, one read buffer, the name of the
 * event being delivered (decoded only when asked for), and closing.
 */
export class NotifyDescriptor {
  protected readonly fd: number;
  protected readonly buffer: Uint8Array<ArrayBuffer> = new Uint8Array(256 * 1024);
  protected readonly view: DataView<ArrayBuffer> = new DataView(this.buffer.buffer);
  /** Where the name field of the event being delivered lies in the buffer (NUL-ended). */
  protected nameStart = 0;
  protected nameEnd = 0;
  readonly #readiness: Readiness;
  #closed = false;

  protected constructor(fd: number) {
    this.fd = fd;
    this.#readiness = new Readiness(fd);
  }

  /** Resolves true once events are queued (false after `timeoutMs` or on close). */
  waitReadable(timeoutMs: number): Promise<boolean> {
    return this.#readiness.wait(timeoutMs);
  }

  /** Reads what is queued now into the buffer; the bytes read, 0 when none (or closed). */
  protected fill(): number {
    return this.#closed ? 0 : readAvailable(this.fd, this.buffer);
  }

  /** The name of the entry of the event being delivered ("" for the directory itself). */
  entryName(): string {
    let stop = this.nameStart;
    while (stop < this.nameEnd && this.buffer[stop] !== 0) stop++;
    return decoder.decode(this.buffer.subarray(this.nameStart, stop));
  }

  /** Descriptors of its own a subclass closes with it. */
  protected closeMore(): void {}

  /** Closes the descriptor once no wait is under way. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#readiness.close();
    this.closeMore();
    closeQuietly(this.fd);
  }

  /** Closes a descriptor that was never waited on (probes). */
  closeNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#readiness.close();
    this.closeMore();
    closeQuietly(this.fd);
  }
}
