/**
 * `gethostname(2)`.
 *
 * @module
 */
import { check, libc, readCString } from "./libc.ts";

/** The host name as the kernel holds it (which may carry a DNS suffix). */
export function gethostname(): string {
  const buffer = new Uint8Array(256);
  check("gethostname", libc().gethostname(buffer, BigInt(buffer.length)));
  return readCString(buffer);
}
