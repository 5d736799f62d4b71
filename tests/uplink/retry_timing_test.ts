import { deepEqual } from "node:assert/strict";
import { retryAfter, retryDelay } from "../../uplink/retry_timing.ts";

Deno.test("Retry-After is read as seconds or as a date, and ignored when it is neither", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");
  const headers = (value?: string) =>
    new Headers(value === undefined ? {} : { "retry-after": value });
  deepEqual(retryAfter(headers("120"), now), 120_000);
  deepEqual(retryAfter(headers(" 5 "), now), 5_000);
  deepEqual(retryAfter(headers("Tue, 01 Dec 2026 10:00:30 GMT"), now), 30_000);
  deepEqual(retryAfter(headers("Tue, 01 Dec 2026 09:00:00 GMT"), now), 0);
  deepEqual(retryAfter(headers("soon"), now), null);
  deepEqual(retryAfter(headers(), now), null);
});

Deno.test("the wait doubles from a second, with jitter between half and all of it", () => {
  for (const [attempts, full] of [[1, 1000], [2, 2000], [5, 16_000]]) {
    deepEqual(retryDelay(attempts!, 1e9, null, () => 0), full! / 2);
    deepEqual(retryDelay(attempts!, 1e9, null, () => 1), full);
  }
});

Deno.test("the wait never exceeds the cap, and is never shorter than the receiver asked", () => {
  deepEqual(retryDelay(30, 300_000, null, () => 1), 300_000);
  deepEqual(retryDelay(1, 300_000, 60_000, () => 0), 60_000);
  // A receiver asking for longer than the cap gets the cap: the retry timeout is the admin's.
  deepEqual(retryDelay(1, 300_000, 3_600_000, () => 0), 300_000);
});
