/**
 * The file-activity counters, as the catalogue describes them, and their
 * running totals.
 *
 * @module
 */
import { eventSpec } from "../../catalog/key_spec.ts";
import type { CounterFamily } from "../../catalog/types.ts";
import { FAN } from "../../ffi/fanotify.ts";
import { IN } from "../../ffi/inotify.ts";
import type { KernelInterface } from "./kernel_source.ts";

/** The bit both interfaces set on events about a directory (FAN_ONDIR, IN_ISDIR). */
export const DIRECTORY_BIT = 0x40000000;

/** One counter as a reader applies it. */
export interface Counter {
  /** The catalogue field it feeds. */
  field: string;
  family: CounterFamily;
  /** Events with any of these bits count once. */
  mask: number;
  /** Events on directories do not count. */
  filesOnly: boolean;
}

const BITS: Record<KernelInterface, Readonly<Record<string, number>>> = {
  fanotify: FAN,
  inotify: IN,
};

/** The counters `kind` can observe, with their kernel masks, from the catalogue. */
export function countersFor(kind: KernelInterface): Counter[] {
  const counters: Counter[] = [];
  for (const field of eventSpec("kernel_statistics")?.fields ?? []) {
    const observation = field.source?.[kind];
    const family = field.source?.family;
    if (!observation || !family) continue;
    const mask = observation.bits.reduce((m, bit) => m | (BITS[kind][bit] ?? 0), 0);
    counters.push({ field: field.name, family, mask, filesOnly: observation.filesOnly ?? false });
  }
  return counters;
}

/** The OR of the masks of each family's counters. */
export function familyMasks(counters: readonly Counter[]): Record<CounterFamily, number> {
  const masks: Record<CounterFamily, number> = { vnode: 0, file_op: 0 };
  for (const counter of counters) masks[counter.family] |= counter.mask;
  return masks;
}

/** Running totals of the counters of one interface. */
export class CounterTotals {
  readonly counters: readonly Counter[];
  /** Every bit any counter needs: what to subscribe to. */
  readonly mask: number;
  readonly #totals: Record<string, number> = {};
  #changed = true;

  constructor(counters: readonly Counter[]) {
    this.counters = counters;
    this.mask = counters.reduce((m, c) => m | c.mask, 0);
    for (const counter of counters) this.#totals[counter.field] = 0;
  }

  /** Counts `times` events with kernel bits `mask` (on a directory when it holds the directory bit). */
  count(mask: number, times = 1): void {
    const isDirectory = (mask & DIRECTORY_BIT) !== 0;
    for (const counter of this.counters) {
      if ((mask & counter.mask) !== 0 && !(counter.filesOnly && isDirectory)) {
        this.#totals[counter.field]! += times;
        this.#changed = true;
      }
    }
  }

  /** The totals, and whether they moved since the last call. */
  take(): { totals: Record<string, number>; changed: boolean } {
    const changed = this.#changed;
    this.#changed = false;
    return { totals: { ...this.#totals }, changed };
  }
}
