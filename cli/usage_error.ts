/**
 * A command line the CLI cannot act on. The message says what was wrong
 * and what to type instead; the exit status is 2.
 *
 * @module
 */
import { InputError } from "../input/input_error.ts";

/** Wrong input on the command line (an {@linkcode InputError} the CLI tells and exits 2 on). */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
