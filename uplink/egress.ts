/**
 * The one place vitrine connects to another host. A request goes out only
 * to an origin the caller names as allowed (the policy's serviceUri, or the
 * upload URL an admin typed), with a time limit, through the policy's proxy
 * when there is one, trusting the policy's CA bundle besides the system's
 * and presenting its client certificate when it names them, and with a
 * bounded answer.
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

import type { TlsFiles } from "./credentials.ts";

/** How to send. */
export interface EgressOptions {
  method: "POST" | "PUT";
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
  /** Origins that may be reached (scheme, host and port). */
  allowed: readonly URL[];
  timeoutMs: number;
  proxy?: string | null;
  /** CA bundle and client certificate (from `readTlsFiles`), or null for the system's CAs alone. */
  tls?: TlsFiles | null;
  /** The most of an answer read; the rest is dropped unread. */
  maxResponseBytes?: number;
  /** Aborts the request early (a shutdown). */
  signal?: AbortSignal;
}

/** The client of the last settings asked for (a policy has one proxy and one TLS setup at a time). */
let cached: { key: string; client: Deno.HttpClient } | null = null;

function clientFor(proxy: string | null, tls: TlsFiles | null): Deno.HttpClient | null {
  if (proxy === null && tls === null) return null;
  const key = JSON.stringify([proxy, tls]);
  if (cached?.key !== key) {
    cached?.client.close();
    cached = {
      key,
      client: Deno.createHttpClient({
        ...(proxy ? { proxy: { url: proxy } } : {}),
        ...(tls?.caCerts ? { caCerts: tls.caCerts } : {}),
        ...(tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
      }),
    };
  }
  return cached.client;
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

/** A TLS failure in words an admin can act on, or null when the text is no such failure. */
function tlsFailure(text: string): string | null {
  if (/UnknownIssuer|unknown issuer|self[- ]signed/i.test(text)) {
    return "the server's certificate is not signed by a CA vitrine trusts (set cloudService.caFile to the CA's PEM bundle)";
  }
  if (/Expired|NotValidYet|certificate has expired/i.test(text)) {
    return "the server's certificate has expired or is not valid yet";
  }
  if (/UnsupportedCertVersion/i.test(text)) {
    // vitrine's own client certificate is checked before it is sent (credentials.ts).
    return "the server's certificate (or a CA of its chain) is an X.509 version 1 certificate, which vitrine's TLS library refuses: reissue it as version 3 (openssl x509 -req with an -extfile holding subjectAltName=DNS:HOST, basicConstraints=CA:FALSE, extendedKeyUsage=serverAuth)";
  }
  if (/NotValidForName|not valid for name|name mismatch/i.test(text)) {
    return "the server's certificate does not name the host of cloudService.serviceUri";
  }
  if (
    /alert.*(CertificateRequired|BadCertificate|UnknownCA|CertificateUnknown|AccessDenied|DecryptError|certificate required|bad certificate|unknown ca)/i
      .test(text)
  ) {
    return "the server refused vitrine's client certificate, or wanted one (cloudService.clientCertificateFile)";
  }
  // Under TLS 1.3 a server checks the client's certificate after the
  // handshake, and one it refuses often just ends the session.
  if (/without sending TLS close_notify|unexpected[- ]eof/i.test(text)) {
    return "the server ended the TLS session at once, as it does when it refuses vitrine's client certificate (check cloudService.clientCertificateFile against the CA the server trusts)";
  }
  return null;
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
  const tls = tlsFailure(all);
  if (tls) return `TLS failed: ${tls} (${detail})`;
  if (/certificate|tls|ssl|handshake|corrupt message|InvalidContentType/i.test(all)) {
    return `TLS failed (${detail})`;
  }
  if (/timed out|timeout/i.test(all)) return `no answer in time (${detail})`;
  return detail;
}

function clientOption(options: EgressOptions): { client?: Deno.HttpClient } {
  const client = clientFor(options.proxy ?? null, options.tls ?? null);
  return client ? { client } : {};
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
    ...clientOption(options),
  });
  const { body, truncated } = await readBounded(response, options.maxResponseBytes ?? 64 * 1024);
  return { status: response.status, headers: response.headers, body, truncated };
}
