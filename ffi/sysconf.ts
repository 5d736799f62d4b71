/**
 * `sysconf(3)` for the few limits vitrine reports.
 *
 * @module
 */
import { check, libc } from "./libc.ts";

// glibc's values of the _SC_* names.
const NAMES = {
  clockTicks: 2,
  pageSize: 30,
  processorsConfigured: 83,
  processorsOnline: 84,
  physicalPages: 85,
} as const;

/** The limits vitrine reads through `sysconf(3)`. */
export type SysconfName = keyof typeof NAMES;

/** Calls `sysconf(3)` for `name`. */
export function sysconf(name: SysconfName): number {
  return Number(check(`sysconf(${name})`, libc().sysconf(NAMES[name])));
}
