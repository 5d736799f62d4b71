/**
 * `getrusage(2)` for the calling process.
 *
 * @module
 */
import { check, libc } from "./libc.ts";

/** Resource use of this process. */
export interface RusageResult {
  userCpuSeconds: number;
  systemCpuSeconds: number;
  /** Peak resident set size in bytes. */
  maxRssBytes: number;
  minorFaults: number;
  majorFaults: number;
  blockInputs: number;
  blockOutputs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
}

const WHO = { self: 0, children: -1 } as const;
const SIZE = 144;

/**
 * Calls `getrusage(2)` for this process (default) or for its waited-for
 * children.
 */
export function getrusage(who: keyof typeof WHO = "self"): RusageResult {
  const buffer = new Uint8Array(SIZE);
  check("getrusage", libc().getrusage(WHO[who], buffer));
  const view = new DataView(buffer.buffer);
  const i64 = (offset: number) => Number(view.getBigInt64(offset, true));
  return {
    userCpuSeconds: i64(0) + i64(8) / 1e6,
    systemCpuSeconds: i64(16) + i64(24) / 1e6,
    // Linux reports ru_maxrss in kibibytes.
    maxRssBytes: i64(32) * 1024,
    minorFaults: i64(64),
    majorFaults: i64(72),
    blockInputs: i64(88),
    blockOutputs: i64(96),
    voluntarySwitches: i64(128),
    involuntarySwitches: i64(136),
  };
}
