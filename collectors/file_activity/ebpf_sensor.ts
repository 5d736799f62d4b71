/**
 * The eBPF sensor: the counting program loaded and attached to `sys_enter`,
 * its per-CPU counters read and summed once per interval into the
 * catalogue's fields. Nothing crosses into user space per event, and
 * nothing wakes the agent.
 *
 * @module
 */
import { eventSpec } from "../../catalog/key_spec.ts";
import type { EbpfObservation } from "../../catalog/types.ts";
import { PerCpuCounters, RawTracepointProgram } from "../../ffi/bpf.ts";
import { countingProgram, EXTRA_SLOTS, SLOTS, SYSCALLS_X86_64 } from "./ebpf_program.ts";

/** One catalogue field as slots to add and slots to take away. */
interface SlotCounter {
  field: string;
  plus: readonly number[];
  minus: readonly number[];
}

function slotOf(name: string, field: string): number {
  const slot = (SYSCALLS_X86_64 as Record<string, number>)[name] ??
    (EXTRA_SLOTS as Record<string, number>)[name];
  if (slot === undefined) {
    throw new Error(
      `The catalogue's field "${field}" names "${name}", which the eBPF program does not count`,
    );
  }
  return slot;
}

/** The counters the eBPF sensor feeds, with their slots, from the catalogue. */
export function ebpfCounters(): SlotCounter[] {
  const counters: SlotCounter[] = [];
  for (const field of eventSpec("kernel_statistics")?.fields ?? []) {
    const observation: EbpfObservation | null | undefined = field.source?.ebpf;
    if (!observation) continue;
    counters.push({
      field: field.name,
      plus: [...observation.calls, ...observation.plus ?? []].map((n) => slotOf(n, field.name)),
      minus: (observation.minus ?? []).map((n) => slotOf(n, field.name)),
    });
  }
  return counters;
}

/** A loaded, attached sensor. */
export class EbpfSensor {
  readonly #map: PerCpuCounters;
  readonly #program: RawTracepointProgram;
  readonly #counters = ebpfCounters();
  #failures = 0;
  #last: Record<string, number> = {};

  private constructor(map: PerCpuCounters, program: RawTracepointProgram) {
    this.#map = map;
    this.#program = program;
  }

  /**
   * Creates the counters, loads the program and attaches it. Throws why
   * not (no x86-64, no privilege, a kernel that refuses it), leaving
   * nothing behind.
   */
  static open(): EbpfSensor {
    if (Deno.build.arch !== "x86_64") {
      throw new Error(
        `the eBPF program knows x86-64's system-call numbers, not ${Deno.build.arch}'s`,
      );
    }
    const map = PerCpuCounters.create("vitrine_files", SLOTS);
    let program: RawTracepointProgram | null = null;
    try {
      program = RawTracepointProgram.load(
        "vitrine_files",
        countingProgram(map.fd, Deno.pid).encode(),
      );
      program.attach("sys_enter");
      return new EbpfSensor(map, program);
    } catch (error) {
      program?.close();
      map.close();
      throw error;
    }
  }

  /** Each counted field's total since the sensor opened (the last good read if this one failed). */
  totals(): Record<string, number> {
    let sums: bigint[];
    try {
      sums = this.#map.read();
    } catch {
      this.#failures++;
      return { ...this.#last };
    }
    const totals: Record<string, number> = {};
    for (const counter of this.#counters) {
      let total = 0n;
      for (const slot of counter.plus) total += sums[slot]!;
      for (const slot of counter.minus) total -= sums[slot]!;
      totals[counter.field] = Number(total);
    }
    this.#last = totals;
    return { ...totals };
  }

  /** Reads of the counters that failed. */
  get readFailures(): number {
    return this.#failures;
  }

  /** Detaches the program and frees the counters. */
  close(): void {
    this.#program.close();
    this.#map.close();
  }
}
