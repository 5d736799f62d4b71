/**
 * The hash chain of an export: each link covers the previous link and the
 * canonical JSON of one record.
 *
 * @module
 */
import { canonicalJson } from "./canonical_json.ts";

const encoder = new TextEncoder();

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 of `text`, in hex. */
export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** The next link: SHA-256 of `previous` + "\n" + canonical JSON of `record`. */
export async function nextLink(previous: string, record: unknown): Promise<string> {
  return await sha256Hex(`${previous}\n${canonicalJson(record)}`);
}
