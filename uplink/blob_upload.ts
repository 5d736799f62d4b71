/**
 * Uploads bytes to a pre-signed URL: an Azure Blob SAS URI through
 * Microsoft's `@azure/storage-blob` (block uploads for large bundles), or
 * any URL that accepts PUT (an S3 pre-signed URL). Every request goes
 * through {@linkcode egress}, to the URL's origin only.
 *
 * @module
 */
import { InputError } from "../input/input_error.ts";
import type { TlsFiles } from "./credentials.ts";
import { egress, EgressRefused, type EgressResponse, failureOf } from "./egress.ts";
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
 * network, the SDK or the server's answer) goes through `redactor`.
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
  /** Bundles above this size go in blocks (Azure); smaller ones in one request. */
  singleShotBytes?: number;
  /** The size of each block. */
  blockBytes?: number;
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

/** The bytes of a request body the Azure pipeline hands over. */
async function bodyBytes(body: unknown): Promise<Uint8Array<ArrayBuffer>> {
  const value = typeof body === "function" ? body() : body;
  if (value === null || value === undefined) return new Uint8Array();
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    const copy = new Uint8Array(value.byteLength);
    copy.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return copy;
  }
  // A web or Node stream, a Blob: read it whole (a block at most).
  return new Uint8Array(await new Response(value as BodyInit).arrayBuffer());
}

/**
 * An HTTP client for the Azure pipeline that sends through egress: the
 * SDK's own transport never opens a connection.
 */
function azureClient(origin: URL, options: UploadOptions, redactor: Redactor) {
  return {
    async sendRequest(resource: {
      url: string;
      method: string;
      headers: { toJson(options?: { preserveCase?: boolean }): Record<string, string> };
      body?: unknown;
      abortSignal?: AbortSignal;
    }) {
      const url = new URL(resource.url);
      if (resource.method !== "PUT") {
        throw new UploadError(
          `the upload asked for a ${resource.method} request; only PUT is sent`,
          null,
          redactor,
        );
      }
      const response = await egress(url, {
        method: "PUT",
        headers: resource.headers.toJson({ preserveCase: true }),
        body: await bodyBytes(resource.body),
        allowed: [origin],
        timeoutMs: options.timeoutMs,
        proxy: options.proxy,
        tls: options.tls ?? null,
        maxResponseBytes: 256 * 1024,
        ...(resource.abortSignal ? { signal: resource.abortSignal } : {}),
      });
      const headers = Object.fromEntries(response.headers);
      return {
        status: response.status,
        headers: { toJson: () => headers, get: (name: string) => headers[name.toLowerCase()] },
        request: resource,
        bodyAsText: new TextDecoder().decode(response.body),
      };
    },
  };
}

async function putAzure(
  url: URL,
  bytes: Uint8Array<ArrayBuffer>,
  options: UploadOptions,
  redactor: Redactor,
) {
  // Microsoft's SDK is loaded only when a bundle goes to Azure.
  const { BlockBlobClient, newPipeline, AnonymousCredential } = await import(
    "@azure/storage-blob"
  );
  const pipeline = newPipeline(new AnonymousCredential(), {
    httpClient: azureClient(url, options, redactor) as never,
    retryOptions: { maxTries: 3, tryTimeoutInMs: options.timeoutMs },
  });
  const client = new BlockBlobClient(url.href, pipeline);
  try {
    const result = await client.uploadData(bytes, {
      maxSingleShotSize: options.singleShotBytes ?? 4 * 1024 * 1024,
      blockSize: options.blockBytes ?? 4 * 1024 * 1024,
      concurrency: 2,
      blobHTTPHeaders: { blobContentType: options.contentType ?? "application/gzip" },
    });
    return { requestId: result.requestId ?? null };
  } catch (error) {
    if (error instanceof EgressRefused || error instanceof UploadError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === "number" && status > 0) {
      const code = (error as { code?: string }).code;
      throw new UploadError(
        `${url.host} answered ${status}${code ? ` (${code})` : ""}`,
        status,
        redactor,
      );
    }
    throw new UploadError(`${url.host} could not be reached: ${failureOf(error)}`, null, redactor);
  }
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
