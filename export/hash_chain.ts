/**
 * The hash chain of an export: each link covers the previous link and the
 * canonical JSON of one record.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../store/canonical_json.ts";

/** SHA-256 of `content` (text as UTF-8), in hex. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The next link over a record already in canonical JSON. */
export function nextLinkOfCanonical(previous: string, canonical: string): string {
  return createHash("sha256").update(previous).update("\n").update(canonical).digest("hex");
}

/** The next link: SHA-256 of `previous` + "\n" + canonical JSON of `record`. */
export function nextLink(previous: string, record: unknown): string {
  return nextLinkOfCanonical(previous, canonicalJson(record));
}
