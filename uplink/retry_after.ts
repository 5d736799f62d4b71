/**
 * A receiver's Retry-After: the least time before vitrine tries again.
 *
 * @module
 */

/** The number of seconds (or the date) of a Retry-After header, as a delay in ms; null when none. */
export function retryAfter(headers: Headers, now: number): number | null {
  const value = headers.get("retry-after");
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
