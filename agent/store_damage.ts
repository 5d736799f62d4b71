/**
 * What the agent knows of damage to its database: found by the check at
 * start or by any read or write that met a damaged page. Health tells it
 * until the agent runs on a sound database again.
 *
 * @module
 */
import { damageAdvice, isDamage } from "../store/store_error.ts";

/** Damage seen to one database. */
export class StoreDamage {
  readonly #path: string;
  readonly #log: ((message: string) => void) | undefined;
  #message: string | null = null;

  constructor(path: string, log?: (message: string) => void) {
    this.#path = path;
    this.#log = log;
  }

  /** The problem to show, or null while none was seen. */
  get message(): string | null {
    return this.#message;
  }

  /** Notes damage described by `what` (the first report is kept). */
  note(what: string): void {
    if (this.#message !== null) return;
    this.#message = `The database "${this.#path}" is damaged (${
      what.replace(/\s+/g, " ")
    }). Collection goes on where it can. ${damageAdvice(this.#path)}.`;
    this.#log?.(this.#message);
  }

  /** Notes `error` when it says the database is damaged. */
  noteError(error: unknown): void {
    if (isDamage(error)) this.note((error as Error).message);
  }
}
