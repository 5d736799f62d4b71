/**
 * The one reading of a whole number from text: digits only (no sign,
 * exponent or spaces), within bounds.
 *
 * @module
 */
import { InputError } from "./input_error.ts";

/** The whole number `text` names, or null when it is not one from `min` to `max`. */
export function wholeNumberOrNull(text: string, min: number, max: number): number | null {
  if (!/^\d{1,16}$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : null;
}

/**
 * The whole number `text` names; an {@linkcode InputError} naming `what`
 * (such as `the limit` or `--port`) otherwise.
 */
export function wholeNumber(what: string, text: string, min: number, max: number): number {
  const value = wholeNumberOrNull(text, min, max);
  if (value === null) {
    throw new InputError(`${what} "${text}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The default port of the dashboard. */
export const DEFAULT_PORT = 7878;

/** A TCP port from text (`zero` admits 0: any free port). */
export function parsePort(what: string, text: string, zero = false): number {
  return wholeNumber(what, text, zero ? 0 : 1, 65535);
}
