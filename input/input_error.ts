/**
 * Input that cannot be acted on: a flag, a query parameter, a request
 * body. Its message names what was given and what would do. The CLI exits
 * 2 with it, the API answers 400; any other error is a fault of vitrine's
 * own and is reported as one.
 *
 * @module
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
