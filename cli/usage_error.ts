/**
 * A command line the CLI cannot act on. The message says what was wrong
 * and what to type instead; the exit status is 2.
 *
 * @module
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
