/**
 * Keeps credentials out of everything vitrine writes: records, logs,
 * bundles and what it prints. A pre-signed URL carries its signature in its
 * query; a server may echo it (or a bearer token) in an error. Redaction
 * here looks for the secret values themselves, in every form they take in
 * text (as sent, decoded, re-encoded), so it holds whatever shape the
 * message around them has.
 *
 * @module
 */

/** Query parameters of pre-signed URLs that hold no secret, kept when redacting. */
const HARMLESS = new Set([
  // Azure SAS: version, services, resource types, permissions, expiry, start, protocol, resource.
  "sv",
  "ss",
  "srt",
  "sp",
  "se",
  "st",
  "spr",
  "sr",
  // S3 (signature v4): algorithm, date, lifetime, signed header names.
  "x-amz-algorithm",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-signedheaders",
]);

/** What replaces a secret. */
export const REDACTED = "REDACTED";

/** Values shorter than this are not searched for: they would match ordinary words. */
const SHORTEST_SECRET = 4;

/**
 * `url` with its signature and every other credential replaced by
 * REDACTED: the address stays recognisable, never usable.
 */
export function redactUploadUrl(url: URL): string {
  const safe = new URL(url.href);
  safe.username = "";
  safe.password = "";
  const params = [...safe.searchParams.entries()].map(([key, value]) =>
    [key, HARMLESS.has(key.toLowerCase()) ? value : REDACTED] as const
  );
  safe.search = "";
  for (const [key, value] of params) safe.searchParams.append(key, value);
  return safe.href;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
}

/** Every form a secret value may take in a message. */
function formsOf(value: string): string[] {
  const decoded = safeDecode(value);
  const encoded = encodeURIComponent(decoded);
  const forms = [
    value,
    decoded,
    encoded,
    // Percent escapes in the other case.
    value.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    value.replace(/%[0-9a-f]{2}/g, (e) => e.toUpperCase()),
    encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    // Escaped inside JSON text.
    JSON.stringify(decoded).slice(1, -1),
    JSON.stringify(value).slice(1, -1),
    decoded.replaceAll("/", "\\/"),
  ];
  return forms;
}

/** Removes the credentials of a URL (and any other secrets given) from texts. */
export class Redactor {
  readonly #secrets: string[];

  /**
   * `url`: its non-harmless query values, user and password are secrets;
   * `more`: other secrets (a bearer token).
   */
  constructor(url: URL | null, more: readonly (string | null | undefined)[] = []) {
    const values: string[] = [];
    if (url) {
      // The query as it was written, pair by pair, before any decoding.
      for (const pair of url.search.replace(/^\?/, "").split("&")) {
        const cut = pair.indexOf("=");
        const key = safeDecode(cut < 0 ? pair : pair.slice(0, cut)).toLowerCase();
        if (cut >= 0 && !HARMLESS.has(key)) values.push(pair.slice(cut + 1));
      }
      if (url.username) values.push(url.username);
      if (url.password) values.push(url.password);
    }
    for (const secret of more) if (secret) values.push(secret);
    const forms = new Set<string>();
    for (const value of values) {
      for (const form of formsOf(value)) if (form.length >= SHORTEST_SECRET) forms.add(form);
    }
    // Longest first, so that a secret inside a longer form goes with it.
    this.#secrets = [...forms].sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret replaced by REDACTED. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.replaceAll(secret, REDACTED);
    return out;
  }
}
