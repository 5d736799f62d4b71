/**
 * What tells the agent its managed file may have changed, so that it need
 * not look every two seconds: inotify on the file's folder (a write, a
 * rename into place, a removal). (`vitrine config set` sends SIGHUP for a
 * local preference; `vitrine run` hears it.) A slow poll stays as the
 * safety net; where the folder cannot be watched the caller keeps the fast one.
 *
 * @module
 */
import { IN, Inotify } from "../ffi/inotify.ts";

/** Events of a folder that can change the file in it. */
const CHANGES = IN.CLOSE_WRITE | IN.MOVED_TO | IN.MOVED_FROM | IN.CREATE | IN.DELETE |
  IN.ATTRIB | IN.MODIFY | IN.DELETE_SELF | IN.MOVE_SELF;
/** Changes within this long are taken together (an editor writes, renames, sets modes). */
const SETTLE_MS = 100;
/** One wait for the kernel lasts at most this long before it is simply made again. */
const WAIT_MS = 5 * 60 * 1000;

/** Watches the managed file's folder, calling `changed` after each change. */
export class PolicyWatch {
  readonly #inotify: Inotify | null;
  readonly #changed: () => void;
  #stopped = false;
  readonly #running: Promise<void>;

  /** Why the folder is not watched (the caller polls quickly then), or null. */
  readonly problem: string | null;

  constructor(managedFile: string, changed: () => void) {
    this.#changed = changed;
    const folder = managedFile.slice(0, Math.max(1, managedFile.lastIndexOf("/")));
    let inotify: Inotify | null = null;
    let problem: string | null = null;
    try {
      inotify = Inotify.open();
      inotify.addWatch(folder, CHANGES);
    } catch (error) {
      inotify?.closeNow();
      inotify = null;
      problem = `the folder "${folder}" cannot be watched: ${(error as Error).message}`;
    }
    this.#inotify = inotify;
    this.problem = problem;
    this.#running = this.#run();
  }

  /** Whether changes to the managed file are noticed without polling. */
  get watching(): boolean {
    return this.#inotify !== null;
  }

  async #run(): Promise<void> {
    const inotify = this.#inotify;
    if (inotify === null) return;
    const sink = { event: () => {}, overflow: () => {}, malformed: () => {} };
    while (!this.#stopped) {
      let ready: boolean;
      try {
        ready = await inotify.waitReadable(WAIT_MS);
      } catch {
        return;
      }
      if (!ready || this.#stopped) continue;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      while (inotify.readInto(sink) > 0) { /* drained */ }
      if (!this.#stopped) this.#changed();
    }
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#inotify?.close();
    await this.#running;
  }
}
