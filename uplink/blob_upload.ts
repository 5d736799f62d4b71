/**
 * Uploads bytes to a pre-signed URL: an Azure Blob SAS URI with Azure's
 * Blob REST API (Put Blob, or Put Block and Put Block List for large
 * bundles: three kinds of PUT, with the SAS the only credential), or any
 * URL that accepts PUT (an S3 pre-signed URL). Every request goes through
 * {@linkcode egress}, to the URL's origin only.
 *
 * @module
 */
import { InputError } from "../input/input_error.ts";
import type { TlsFiles } from "./credentials.ts";
import { egress, EgressRefused, type EgressResponse, failureOf } from "./egress.ts";
import { backoffDelay } from "./backoff.ts";
import { Redactor, redactUploadUrl } from "./redact.ts";

export { redactUploadUrl };

/** Hosts that may be reached over plain http (nothing leaves the machine). */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * The upload URL in `text`, or an InputError saying what is wrong with it:
 * http(s) only, no user or password in it, and https unless the host is
 * this machine (a pre-signed URL over plain http would give its signature
 * away).
 */
export function checkUploadUrl(text: string): URL {
  const url = URL.parse(text);
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new InputError(`The upload URL "${text}" is not an http(s) URL`);
  }
  if (url.username || url.password) {
    throw new InputError(
      `The upload URL "${
        redactUploadUrl(url)
      }" carries a user or password; use a pre-signed URL instead`,
    );
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    throw new InputError(
      `The upload URL "${
        redactUploadUrl(url)
      }" uses plain http to another host, which would expose its signature; use https`,
    );
  }
  return url;
}

/** Whether `url` is an Azure Blob SAS URI (it is signed with `sv` and `sig`, or names a blob host). */
export function isAzureBlobUrl(url: URL): boolean {
  return (url.searchParams.has("sv") && url.searchParams.has("sig")) ||
    url.hostname.endsWith(".blob.core.windows.net");
}

/**
 * An upload the service refused, or that got no answer. Its message never
 * holds the URL's credentials: whatever it is made from (an error of the
 * network or the server's answer) goes through `redactor`.
 */
export class UploadError extends Error {
  /** The HTTP status of the refusal, or null when no answer came. */
  readonly status: number | null;
  constructor(message: string, status: number | null, redactor: Redactor) {
    super(redactor.redact(message));
    this.name = "UploadError";
    this.status = status;
  }
}

/** How to upload. */
export interface UploadOptions {
  timeoutMs: number;
  proxy: string | null;
  /** CA bundle and client certificate, as for sending events. */
  tls?: TlsFiles | null;
  /** Blobs above this size go in blocks (Azure; default 32 MiB); smaller ones in one request. */
  singleShotBytes?: number;
  /** The size of each block (default 4 MiB). */
  blockBytes?: number;
  /** Told after each block that went (Azure, in blocks): `done` of `of`. */
  blockDone?: (done: number, of: number) => void | Promise<void>;
  /** What the bytes are (default application/gzip: a support bundle). */
  contentType?: string;
  /** A bearer token for a plain PUT endpoint (never sent to Azure, whose SAS is the credential). */
  bearer?: string | null;
}

/** The request id a service gave, from the headers services use for it. */
function requestIdOf(headers: Headers): string | null {
  return headers.get("x-ms-request-id") ?? headers.get("x-amz-request-id") ??
    headers.get("x-request-id");
}

function refusal(url: URL, response: EgressResponse, redactor: Redactor): UploadError {
  // Redacted whole before it is cut: a cut must not leave half a signature.
  const said = redactor.redact(new TextDecoder().decode(response.body)).slice(0, 300)
    .replace(/\s+/g, " ");
  return new UploadError(
    `${url.host} answered ${response.status}${said ? `: ${said}` : ""}`,
    response.status,
    redactor,
  );
}

async function putOnce(
  url: URL,
  bytes: Uint8Array<ArrayBuffer>,
  options: UploadOptions,
  redactor: Redactor,
) {
  let response: EgressResponse;
  try {
    response = await egress(url, {
      method: "PUT",
      headers: {
        "content-type": options.contentType ?? "application/gzip",
        ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      },
      body: bytes,
      allowed: [url],
      timeoutMs: options.timeoutMs,
      proxy: options.proxy,
      tls: options.tls ?? null,
    });
  } catch (error) {
    if (error instanceof EgressRefused) throw error;
    throw new UploadError(`${url.host} could not be reached: ${failureOf(error)}`, null, redactor);
  }
  if (response.status < 200 || response.status >= 300) throw refusal(url, response, redactor);
  return { requestId: requestIdOf(response.headers) };
}

/** The REST version vitrine speaks to Azure Blob storage (Put Blob up to 5000 MiB in one request). */
const AZURE_VERSION = "2021-12-02";
/** The size above which a blob goes in blocks (Put Block, then Put Block List). */
const SINGLE_SHOT_BYTES = 32 * 1024 * 1024;
/** Tries per request: a busy or briefly unreachable service gets two more. */
const AZURE_TRIES = 3;

/** One request to Azure's Blob REST API through egress, tried again on a busy or absent answer. */
async function azureRequest(
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array<ArrayBuffer>,
  options: UploadOptions,
  redactor: Redactor,
): Promise<EgressResponse> {
  for (let attempt = 1;; attempt++) {
    let response: EgressResponse | null = null;
    let failure: unknown = null;
    try {
      response = await egress(url, {
        method: "PUT",
        headers: { "x-ms-version": AZURE_VERSION, ...headers },
        body,
        allowed: [url],
        timeoutMs: options.timeoutMs,
        proxy: options.proxy,
        tls: options.tls ?? null,
        maxResponseBytes: 256 * 1024,
      });
    } catch (error) {
      if (error instanceof EgressRefused) throw error;
      failure = error;
    }
    const busy = response !== null && (response.status === 429 || response.status >= 500);
    if ((response === null || busy) && attempt < AZURE_TRIES) {
      await new Promise((resolve) =>
        setTimeout(resolve, backoffDelay(attempt, { firstMs: 1000, capMs: 8000, jitter: true }))
      );
      continue;
    }
    if (response === null) {
      throw new UploadError(
        `${url.host} could not be reached: ${failureOf(failure)}`,
        null,
        redactor,
      );
    }
    if (response.status < 200 || response.status >= 300) {
      const code = response.headers.get("x-ms-error-code");
      const refused = refusal(url, response, redactor);
      throw code
        ? new UploadError(`${refused.message} (${code})`, response.status, redactor)
        : refused;
    }
    return response;
  }
}

/** `url` with more query parameters (the SAS stays as it is). */
function withQuery(url: URL, extra: Record<string, string>): URL {
  const next = new URL(url);
  for (const [key, value] of Object.entries(extra)) next.searchParams.set(key, value);
  return next;
}

/**
 * Puts `bytes` as the block blob at `url` (its SAS is the credential): one
 * Put Blob, or above `singleShotBytes` a Put Block per block and then one
 * Put Block List, so that a failure part way leaves no blob behind.
 */
async function putAzure(
  url: URL,
  bytes: Uint8Array<ArrayBuffer>,
  options: UploadOptions,
  redactor: Redactor,
): Promise<{ requestId: string | null }> {
  const contentType = options.contentType ?? "application/gzip";
  if (bytes.length <= (options.singleShotBytes ?? SINGLE_SHOT_BYTES)) {
    const response = await azureRequest(
      url,
      { "x-ms-blob-type": "BlockBlob", "content-type": contentType },
      bytes,
      options,
      redactor,
    );
    return { requestId: requestIdOf(response.headers) };
  }
  const size = options.blockBytes ?? 4 * 1024 * 1024;
  const ids: string[] = [];
  const count = Math.ceil(bytes.length / size);
  for (let index = 0; index < count; index++) {
    // Block ids of one blob have one length: a zero-padded index, in base64.
    const id = btoa(`block-${String(index).padStart(6, "0")}`);
    ids.push(id);
    const block = bytes.slice(index * size, Math.min(bytes.length, (index + 1) * size));
    await azureRequest(
      withQuery(url, { comp: "block", blockid: id }),
      {},
      block,
      options,
      redactor,
    );
    await options.blockDone?.(index + 1, count);
  }
  const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${
    ids.map((id) => `<Latest>${id}</Latest>`).join("")
  }</BlockList>`;
  const response = await azureRequest(
    withQuery(url, { comp: "blocklist" }),
    { "content-type": "application/xml", "x-ms-blob-content-type": contentType },
    new TextEncoder().encode(list),
    options,
    redactor,
  );
  return { requestId: requestIdOf(response.headers) };
}

/**
 * Uploads `bytes` to `url`; resolves with the service's request id (null
 * when it gave none), or throws {@linkcode UploadError}.
 */
export function uploadBlob(
  url: URL,
  bytes: Uint8Array<ArrayBuffer>,
  options: UploadOptions,
): Promise<{ requestId: string | null }> {
  const redactor = new Redactor(url, [options.bearer]);
  return isAzureBlobUrl(url)
    ? putAzure(url, bytes, options, redactor)
    : putOnce(url, bytes, options, redactor);
}
