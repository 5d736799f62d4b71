/**
 * Which answers of an OTLP/HTTP receiver are tried again: the
 * specification's list, 429, 502, 503 and 504 (with the receiver's
 * Retry-After honoured), and no other. Every other 4xx or 5xx must not be
 * retried: it would be answered the same way again, so the batch is
 * dead-lettered and counted. (A request that got no answer at all is
 * retried too; that is not a status.)
 *
 * @module
 */

/** The statuses OTLP/HTTP retries (opentelemetry-proto, otlp.md: "Retryable Response Codes"). */
export const RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504];

/** Whether a batch answered with `status` is sent again later. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.includes(status);
}
