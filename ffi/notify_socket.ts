/**
 * The service manager's notification socket (`$NOTIFY_SOCKET`, see
 * sd_notify(3)): one datagram per state change ("READY=1", "WATCHDOG=1",
 * "STOPPING=1"). Deno has no Unix datagram sockets outside its unstable
 * APIs, so the socket is opened here, behind the FFI wall.
 *
 * @module
 */
import { AF_UNIX, ERRNO, MSG_NOSIGNAL, SOCK } from "./_constants.ts";
import { check, libc } from "./libc.ts";
import { SyscallError } from "./syscall_error.ts";

/** The longest path a `sockaddr_un` holds (its `sun_path` is 108 bytes, with the NUL). */
const MAX_PATH = 107;

/** Builds a `struct sockaddr_un` for `path` ("@name" is Linux's abstract namespace). */
function unixAddress(path: string): { address: Uint8Array<ArrayBuffer>; length: number } {
  const bytes = new TextEncoder().encode(path);
  if (bytes.length === 0 || bytes.length > MAX_PATH) {
    throw new SyscallError(
      "sendto",
      ERRNO.EINVAL,
      `the notification socket "${path}" is not a usable Unix socket path`,
    );
  }
  // sa_family_t sun_family; char sun_path[108];
  const address = new Uint8Array(2 + 108);
  new DataView(address.buffer).setUint16(0, AF_UNIX, true);
  address.set(bytes, 2);
  const abstract = bytes[0] === 0x40; // "@"
  if (abstract) address[2] = 0;
  // An abstract name is exactly its bytes; a path ends with its NUL.
  return { address, length: 2 + bytes.length + (abstract ? 0 : 1) };
}

/** A connection to the service manager's notification socket. */
export class NotifySocket {
  readonly #fd: number;
  readonly #address: Uint8Array<ArrayBuffer>;
  readonly #length: number;
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
    ({ address: this.#address, length: this.#length } = unixAddress(path));
    this.#fd = check(
      "socket",
      libc().socket(AF_UNIX, SOCK.DGRAM | SOCK.CLOEXEC, 0),
      "a Unix datagram socket",
    );
  }

  /**
   * Opens the socket `$NOTIFY_SOCKET` names, or returns null when the
   * agent does not run under a service manager that listens.
   */
  static fromEnvironment(): NotifySocket | null {
    const path = Deno.env.get("NOTIFY_SOCKET");
    return path ? new NotifySocket(path) : null;
  }

  /** Sends one notification ("READY=1", "WATCHDOG=1" …); throws a SyscallError when it cannot. */
  send(state: string): void {
    const message = new TextEncoder().encode(state);
    const sent = libc().sendto(
      this.#fd,
      message,
      BigInt(message.length),
      MSG_NOSIGNAL,
      this.#address,
      this.#length,
    );
    check("sendto", Number(sent), this.path);
  }

  /** Closes the socket. */
  close(): void {
    libc().close(this.#fd);
  }
}
