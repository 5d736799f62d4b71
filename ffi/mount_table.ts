/**
 * The mount table of /proc/self/mountinfo, read again only when the kernel
 * says it changed (poll(2) reports POLL.PRI on the open file then).
 *
 * @module
 */
import { O, POLL } from "./_constants.ts";
import { check, cString, libc } from "./libc.ts";
import { closeQuietly } from "./_descriptor.ts";

const PATH = "/proc/self/mountinfo";

/** A watched copy of the mount table's text. */
export class MountTable {
  #fd = -1;
  #text = "";
  readonly #buffer = new Uint8Array(64 * 1024);
  readonly #pollfd = new Uint8Array(8);

  /** The text of /proc/self/mountinfo, read at first use and after each change. */
  text(): string {
    if (this.#fd < 0 || this.#changed()) this.#reload();
    return this.#text;
  }

  #changed(): boolean {
    const view = new DataView(this.#pollfd.buffer);
    view.setInt32(0, this.#fd, true);
    view.setInt16(4, POLL.PRI, true);
    view.setInt16(6, 0, true);
    const ready = libc().poll(this.#pollfd, 1n, 0);
    return ready !== 0 || (view.getInt16(6, true) & (POLL.PRI | POLL.ERR)) !== 0;
  }

  #reload(): void {
    this.close();
    // A fresh descriptor starts from the table as it is now.
    this.#fd = check("open", libc().open(cString(PATH), O.RDONLY | O.CLOEXEC, 0), PATH);
    const decoder = new TextDecoder();
    let text = "";
    while (true) {
      const count = Number(
        check("read", libc().read(this.#fd, this.#buffer, BigInt(this.#buffer.length)), PATH),
      );
      if (count === 0) break;
      text += decoder.decode(this.#buffer.subarray(0, count), { stream: true });
    }
    this.#text = text + decoder.decode();
  }

  /** Closes the watched descriptor. */
  close(): void {
    if (this.#fd >= 0) closeQuietly(this.#fd);
    this.#fd = -1;
  }
}
