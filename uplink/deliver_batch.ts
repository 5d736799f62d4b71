/**
 * One delivery attempt of an encoded batch: the request through egress,
 * what came of it logged, and the parts taken off the outbox when the
 * receiver took them or refused them for good. What the caller does next
 * (wait and retry, or go on) follows from the outcome.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { APP_VERSION } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { logDelivery } from "../store/delivery_queries.ts";
import { dropQueued } from "../store/outbox_queries.ts";
import type { Database } from "../store/schema.ts";
import { readTlsFiles, readToken } from "./credentials.ts";
import { egress, failureOf } from "./egress.ts";
import type { EncodedBatch } from "./otlp_batch.ts";
import { Redactor } from "./redact.ts";
import { isRetryableStatus } from "./is_retryable_status.ts";
import { retryAfter } from "./retry_after.ts";

/** What came of an attempt. */
export type DeliveryOutcome =
  /** The receiver took it; `rejected` records it said it refused (partial success). */
  | { kind: "delivered"; rejected: number }
  /** Refused for good (any answer OTLP does not retry, a redirect): its parts were dead-lettered. */
  | { kind: "refused"; message: string }
  /** Try again later, no sooner than `asked` ms when the receiver said so. */
  | { kind: "retry"; message: string; asked: number | null }
  /** Abandoned because the policy stopped letting it leave: no fault of the receiver. */
  | { kind: "withdrawn" };

/** How to attempt. */
export interface Attempt {
  url: URL;
  /** This attempt's number for the batch, 1 for the first. */
  attempt: number;
  /** Aborts the request: a stop. */
  shutdown: AbortSignal;
  /** Aborts the request: the policy withdrew what it carries. */
  withdrawal: AbortSignal;
}

/** Sends `batch` once under `policy`, and records what came of it. */
export async function deliverBatch(
  db: Kysely<Database>,
  policy: Policy,
  batch: EncodedBatch,
  { url, attempt, shutdown, withdrawal }: Attempt,
): Promise<DeliveryOutcome> {
  const base = {
    at: Date.now(),
    endpoint: url.host,
    records: batch.events,
    bytes: batch.body.length,
    attempts: attempt,
    rejected: 0,
  };
  let token: string | null = null;
  let response;
  try {
    token = await readToken(policy);
    const tls = await readTlsFiles(policy);
    response = await egress(url, {
      method: "POST",
      headers: {
        "content-type": batch.contentType,
        "user-agent": `vitrine/${APP_VERSION}`,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: batch.body,
      allowed: [url],
      timeoutMs: policy.get("cloudService.timeout") * 1000,
      proxy: policy.get("cloudService.proxy"),
      tls,
      signal: AbortSignal.any([shutdown, withdrawal]),
    });
  } catch (error) {
    if (withdrawal.aborted) {
      await logDelivery(db, {
        ...base,
        status: "withdrawn",
        error: "abandoned: the policy stopped letting these records leave while they were sent",
      });
      return { kind: "withdrawn" };
    }
    const message = new Redactor(url, [token]).redact(
      `Sending to ${url.host} failed: ${failureOf(error)}`,
    );
    await logDelivery(db, { ...base, status: "no answer", error: message });
    return { kind: "retry", message, asked: null };
  }
  const { status } = response;
  if (status >= 200 && status < 300) {
    const rejected = response.truncated ? 0 : batch.rejectedIn(response.body);
    await logDelivery(
      db,
      { ...base, status: String(status), rejected, error: null },
      batch.carried,
      batch.leaves,
    );
    return { kind: "delivered", rejected };
  }
  // A server may echo what it was sent, the token included.
  const said = new Redactor(url, [token]).redact(new TextDecoder().decode(response.body))
    .slice(0, 200).replace(/\s+/g, " ");
  const message = `The endpoint ${url.host} answered ${status}${said ? `: ${said}` : ""}`;
  // Only OTLP's retryable answers are tried again. A redirect is not
  // followed either (egress stays on the origin the policy names).
  if (isRetryableStatus(status)) {
    await logDelivery(db, { ...base, status: String(status), error: message });
    return { kind: "retry", message, asked: retryAfter(response.headers, Date.now()) };
  }
  const dropped = await dropQueued(db, batch.carried);
  await logDelivery(db, {
    ...base,
    status: String(status),
    error: `${message}; ${dropped} parts dead-lettered`,
  });
  return { kind: "refused", message: `${message} (dead-lettered)` };
}
