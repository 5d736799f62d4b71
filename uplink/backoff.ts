/**
 * The one back-off: after the n-th failure in a row, wait the first delay
 * doubled n - 1 times, at most a cap; with jitter (a fleet that failed
 * together spreads out), somewhere between half that and all of it. The
 * sender's retries, the sample submitter's and the scheduler's failing
 * tasks all wait by it.
 *
 * @module
 */

/** How a back-off grows. */
export interface Backoff {
  /** The wait after the first failure. */
  firstMs: number;
  /** The longest wait. */
  capMs: number;
  /** Spread each wait over its upper half (a fleet that failed together spreads out). */
  jitter?: boolean;
}

/** The wait after `failures` failures in a row (1 for the first). */
export function backoffDelay(
  failures: number,
  { firstMs, capMs, jitter = false }: Backoff,
  random: () => number = Math.random,
): number {
  const doubled = firstMs * 2 ** Math.min(Math.max(0, failures - 1), 30);
  const spread = jitter ? doubled * (0.5 + random() / 2) : doubled;
  return Math.min(capMs, spread);
}
