/**
 * The query parameters an address takes: anything else is a mistake
 * (a misspelt name would otherwise be ignored in silence and the answer
 * taken for what was asked).
 *
 * @module
 */
import { InputError } from "./input_error.ts";

/** The filter's parameters, as the CLI names its flags (`q` is kept as another name for `search`). */
export const FILTER_PARAMS = [
  "type",
  "tier",
  "since",
  "until",
  "search",
  "q",
  "before",
  "limit",
] as const;

/** Throws an {@linkcode InputError} naming the first of `given` that is not in `known`, and what is. */
export function checkKnownParams(
  where: string,
  given: Iterable<string>,
  known: readonly string[],
): void {
  for (const name of given) {
    if (!known.includes(name)) {
      throw new InputError(
        `${where} takes no parameter "${name}"; it takes ${
          known.length === 0 ? "none" : known.join(", ")
        }`,
      );
    }
  }
}
