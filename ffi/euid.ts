/**
 * `geteuid(2)`.
 *
 * @module
 */
import { libc } from "./libc.ts";

/** The effective user id of this process. */
export function geteuid(): number {
  return libc().geteuid();
}
