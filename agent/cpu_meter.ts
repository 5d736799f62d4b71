/**
 * The agent's own share of the CPU, from getrusage.
 *
 * @module
 */
import { getrusage } from "../ffi/rusage.ts";

function cpuSeconds(): number {
  const usage = getrusage();
  return usage.userCpuSeconds + usage.systemCpuSeconds;
}

/** Measures CPU used between samples, as a share of one core. */
export class CpuMeter {
  #last: { at: number; cpu: number };

  /**
   * The first sample covers the whole life of the process (the time origin
   * of `performance.now()` is its start), so a share is known at once.
   */
  constructor() {
    this.#last = { at: 0, cpu: 0 };
  }

  /**
   * CPU used since the previous sample per second of wall time (1 = one
   * core busy). Null when no time has passed.
   */
  sample(): number | null {
    const now = performance.now();
    const cpu = cpuSeconds();
    const wall = (now - this.#last.at) / 1000;
    if (wall <= 0) return null;
    const share = (cpu - this.#last.cpu) / wall;
    this.#last = { at: now, cpu };
    return share;
  }
}
