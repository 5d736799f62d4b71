import { deepEqual } from "node:assert/strict";
import { backoffDelay } from "../../uplink/backoff.ts";
import { retryAfter } from "../../uplink/retry_after.ts";

const headers = (value?: string) =>
  new Headers(value === undefined ? {} : { "retry-after": value });

Deno.test("Retry-After is read in seconds or as a date", () => {
  const now = Date.parse("Tue, 01 Dec 2026 10:00:00 GMT");
  deepEqual(retryAfter(headers("120"), now), 120_000);
  deepEqual(retryAfter(headers(" 5 "), now), 5_000);
  deepEqual(retryAfter(headers("Tue, 01 Dec 2026 10:00:30 GMT"), now), 30_000);
  deepEqual(retryAfter(headers("Tue, 01 Dec 2026 09:00:00 GMT"), now), 0);
  deepEqual(retryAfter(headers("soon"), now), null);
  deepEqual(retryAfter(headers(), now), null);
});

Deno.test("the back-off doubles from its first delay up to its cap, and jitter keeps the upper half", () => {
  const plain = { firstMs: 1000, capMs: 1e9 };
  deepEqual([1, 2, 3, 4].map((n) => backoffDelay(n, plain)), [1000, 2000, 4000, 8000]);
  deepEqual(backoffDelay(30, { firstMs: 1000, capMs: 300_000 }), 300_000);
  const jittered = { ...plain, jitter: true };
  deepEqual(backoffDelay(3, jittered, () => 0), 2000);
  deepEqual(backoffDelay(3, jittered, () => 1), 4000);
  deepEqual(backoffDelay(0, plain), 1000, "no failure yet waits the first delay");
});
