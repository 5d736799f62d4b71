/**
 * The one place vitrine connects to another host. A request goes out only
 * to an origin the caller names as allowed (the policy's serviceUri, or the
 * upload URL an admin typed), with a time limit, through the policy's proxy
 * when there is one, and with a bounded answer.
 *
 * @module
 */

/** A request to an origin that was not allowed; nothing was sent. */
export class EgressRefused extends Error {
  constructor(url: URL) {
    super(
      `vitrine sends only to the addresses its policy names; "${url.origin}" is not one of them`,
    );
    this.name = "EgressRefused";
  }
}

/** What came back. */
export interface EgressResponse {
  status: number;
  headers: Headers;
  /** At most `maxResponseBytes` of the body. */
  body: Uint8Array;
  /** Whether the body was longer and was cut. */
  truncated: boolean;
}

/** How to send. */
export interface EgressOptions {
  method: "POST" | "PUT";
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
  /** Origins that may be reached (scheme, host and port). */
  allowed: readonly URL[];
  timeoutMs: number;
  proxy?: string | null;
  /** The most of an answer read; the rest is dropped unread. */
  maxResponseBytes?: number;
  /** Aborts the request early (a shutdown). */
  signal?: AbortSignal;
}

const clients = new Map<string, Deno.HttpClient>();

function clientFor(proxy: string): Deno.HttpClient {
  let client = clients.get(proxy);
  if (!client) {
    client = Deno.createHttpClient({ proxy: { url: proxy } });
    clients.set(proxy, client);
  }
  return client;
}

async function readBounded(
  response: Response,
  max: number,
): Promise<{ body: Uint8Array; truncated: boolean }> {
  if (!response.body) return { body: new Uint8Array(), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= max) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    if (size > max) await reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
  const body = new Uint8Array(Math.min(size, max));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, body.length - offset);
    body.set(part, offset);
    offset += part.length;
    if (offset >= body.length) break;
  }
  return { body, truncated: size > max };
}

/** Why a request failed before any answer, in words: a refused connection, a TLS failure, a timeout. */
export function failureOf(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "no answer in time";
  if (error instanceof DOMException && error.name === "AbortError") {
    return "stopped (shutting down)";
  }
  // fetch puts the reason in the cause: "error sending request …: client error (Connect): …".
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 4; e = e.cause) {
    messages.push(e.message);
  }
  if (messages.length === 0) messages.push(String(error));
  const detail = (messages.at(-1) ?? "").replace(/^error sending request for url \([^)]*\): /, "");
  const all = messages.join(" ");
  if (/refused/i.test(all)) return `connection refused (${detail})`;
  if (/dns error|lookup|name or service/i.test(all)) return `host not found (${detail})`;
  if (/certificate|tls|ssl|handshake|corrupt message|InvalidContentType/i.test(all)) {
    return `TLS failed (${detail})`;
  }
  if (/timed out|timeout/i.test(all)) return `no answer in time (${detail})`;
  return detail;
}

/** Sends one request under `options`; throws on refusal or when no answer came. */
export async function egress(url: URL, options: EgressOptions): Promise<EgressResponse> {
  if (!options.allowed.some((origin) => origin.origin === url.origin)) {
    throw new EgressRefused(url);
  }
  const signals = [AbortSignal.timeout(options.timeoutMs)];
  if (options.signal) signals.push(options.signal);
  const response = await fetch(url, {
    method: options.method,
    headers: options.headers,
    body: options.body,
    redirect: "manual",
    signal: AbortSignal.any(signals),
    ...(options.proxy ? { client: clientFor(options.proxy) } : {}),
  });
  const { body, truncated } = await readBounded(response, options.maxResponseBytes ?? 64 * 1024);
  return { status: response.status, headers: response.headers, body, truncated };
}
