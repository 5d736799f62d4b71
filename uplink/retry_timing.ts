/**
 * When to try again after a failed delivery: exponential back-off with
 * jitter, capped, and never sooner than the receiver's Retry-After.
 *
 * @module
 */

/** The first retry waits this long; each further one twice as long, up to the cap. */
const FIRST_RETRY_MS = 1000;

/** The number of seconds (or the date) of a Retry-After header, as a delay in ms. */
export function retryAfter(headers: Headers, now: number): number | null {
  const value = headers.get("retry-after");
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/**
 * How long to wait after the `attempts`-th failure in a row: doubling from
 * a second, with jitter (a fleet that failed together spreads out), at
 * most `capMs`, at least what the receiver `asked` for.
 */
export function retryDelay(
  attempts: number,
  capMs: number,
  asked: number | null,
  random: () => number = Math.random,
): number {
  const backoff = FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20);
  const jittered = backoff * (0.5 + random() / 2);
  return Math.min(capMs, Math.max(jittered, asked ?? 0));
}
