/**
 * The agent's own log. Messages go to standard error, which under systemd
 * is the journal; outside the journal they are also appended to a file in
 * the log directory, capped in size (the full file is moved to `.1`,
 * replacing the older one).
 *
 * @module
 */
import { AGENT_LOG } from "../store/data_paths.ts";

/** The size at which the log file is moved aside. */
const MAX_BYTES = 1024 * 1024;

/** Writes the agent's messages. */
export class AgentLog {
  readonly #file: string | null;
  #size = 0;
  #broken = false;

  /**
   * `directory`: where the file goes, or null for standard error only. Under
   * the journal (JOURNAL_STREAM set) the file is left out unless asked for.
   */
  constructor(directory: string | null, options: { journal?: boolean } = {}) {
    const journal = options.journal ?? Deno.env.get("JOURNAL_STREAM") !== undefined;
    this.#file = directory && !journal ? `${directory}/${AGENT_LOG}` : null;
    if (this.#file) {
      try {
        this.#size = Deno.statSync(this.#file).size;
      } catch {
        this.#size = 0;
      }
    }
  }

  /** Where the file is, or null. */
  get file(): string | null {
    return this.#file;
  }

  /** Writes `message` to standard error and, when there is one, to the file. */
  write(message: string): void {
    console.error(message);
    if (!this.#file || this.#broken) return;
    const line = new TextEncoder().encode(`${new Date().toISOString()} ${message}\n`);
    try {
      if (this.#size + line.length > MAX_BYTES) {
        Deno.renameSync(this.#file, `${this.#file}.1`);
        this.#size = 0;
      }
      Deno.writeFileSync(this.#file, line, { append: true, create: true, mode: 0o640 });
      this.#size += line.length;
    } catch (error) {
      // Say it once; the journal or the terminal still has every message.
      this.#broken = true;
      console.error(`The log file "${this.#file}" cannot be written: ${(error as Error).message}`);
    }
  }
}
