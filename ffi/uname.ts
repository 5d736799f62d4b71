/**
 * `uname(2)`: the kernel's name, release, version and machine.
 *
 * @module
 */
import { check, libc, readCString } from "./libc.ts";

/** The fields of `struct utsname`. */
export interface UnameResult {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
}

// Linux fixes each utsname field at 65 bytes.
const FIELD = 65;

/** Calls `uname(2)`. */
export function uname(): UnameResult {
  const buffer = new Uint8Array(FIELD * 6);
  check("uname", libc().uname(buffer));
  const field = (index: number) => readCString(buffer, index * FIELD, FIELD);
  return {
    sysname: field(0),
    nodename: field(1),
    release: field(2),
    version: field(3),
    machine: field(4),
  };
}
