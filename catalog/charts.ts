/**
 * The dashboard's charts, as data over the catalogue's fields: what each
 * chart plots, in which unit, and the ranges it may span. The series
 * queries and the pages read them; a test checks every field exists.
 *
 * @module
 */
import type { EventType } from "./catalog.ts";
import { keySpec } from "./key_spec.ts";
import type { Tier } from "./types.ts";

/** One named value of a series, computed from stored fields. */
export interface SeriesField {
  /** The label in the chart. */
  label: string;
  /** The catalogue fields it reads (their tiers decide who may see it). */
  keys: readonly string[];
  /** The value from the values of `keys` (the first key's value by default). */
  combine?: (...values: (number | null)[]) => number | null;
}

/** A chartable metric. */
export interface Metric {
  type: EventType;
  unit: string;
  fields: readonly SeriesField[];
  /** Counters since subsystem start: chart their rate per second. */
  rate?: boolean;
}

const difference = (a: number | null, b: number | null) => a === null || b === null ? null : a - b;

/** The metrics the charts page offers. */
export const METRICS: Readonly<Record<string, Metric>> = {
  memory: {
    type: "system_statistics",
    unit: "bytes",
    fields: [
      {
        label: "used",
        keys: ["memory.total", "memory.available", "memory.free"],
        combine: (total, available, free) => difference(total, available ?? free),
      },
      { label: "total", keys: ["memory.total"] },
      { label: "swap used", keys: ["swap.total", "swap.free"], combine: difference },
    ],
  },
  load: {
    type: "system_statistics",
    unit: "load",
    fields: [
      { label: "1 min", keys: ["load.1m"] },
      { label: "5 min", keys: ["load.5m"] },
      { label: "15 min", keys: ["load.15m"] },
    ],
  },
  disk: {
    type: "system_statistics",
    unit: "bytes",
    fields: [
      { label: "/ used", keys: ["root_fs.total", "root_fs.free"], combine: difference },
      { label: "/ size", keys: ["root_fs.total"] },
    ],
  },
  agent: {
    type: "system_statistics",
    unit: "bytes",
    fields: [{ label: "agent RSS", keys: ["agent.rss"] }],
  },
  file_activity: {
    type: "kernel_statistics",
    unit: "per second",
    rate: true,
    fields: [
      { label: "opens", keys: ["ipc.kauth_file_op.open"] },
      { label: "closes", keys: ["ipc.kauth.file_op.close"] },
      { label: "writes", keys: ["ipc.kauth.vnode.write"] },
      { label: "creates", keys: ["ipc.kauth.file_op.create"] },
      { label: "removes", keys: ["ipc.kauth.file_op.remove"] },
    ],
  },
};

/** The tier of a field of `type`, from the catalogue. */
export function keyTier(type: EventType, key: string): Tier {
  const spec = keySpec(type, key);
  if (spec?.kind !== "field") throw new TypeError(`"${key}" is not a field of "${type}"`);
  return spec.spec.tier;
}

/** The highest tier a series field reads. */
export function fieldTier(type: EventType, field: SeriesField): Tier {
  return field.keys.some((key) => keyTier(type, key) === "optional") ? "optional" : "required";
}

/** The chart ranges offered, by name, with their span in ms. */
export const CHART_RANGES = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "6h": 6 * 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
} as const satisfies Record<string, number>;

/** A range in words ("15 minutes", "hour", "7 days"), for titles and the range picker. */
export function rangeWords(name: string): string {
  const ms: number | undefined = (CHART_RANGES as Record<string, number>)[name];
  if (ms === undefined) return name;
  const count = (unit: number, word: string) => ms === unit ? word : `${ms / unit} ${word}s`;
  if (ms < 3_600_000) return count(60_000, "minute");
  if (ms < 86_400_000) return count(3_600_000, "hour");
  return count(86_400_000, "day");
}

/** The event types the charts draw from. */
export const CHARTED_TYPES: readonly EventType[] = ["system_statistics", "kernel_statistics"];

/** The range charts open at when none is asked for: at most a day. */
const LONGEST_DEFAULT = "24h";

/**
 * The smallest range that holds every statistic stored since `oldest`
 * (epoch ms; null: none yet), at most a day: a first run shows its first
 * minutes across the chart, not a sliver at its right edge.
 */
export function defaultRange(oldest: number | null, now = Date.now()): string {
  if (oldest === null) return "15m";
  for (const [name, span] of Object.entries(CHART_RANGES)) {
    if (now - oldest <= span || name === LONGEST_DEFAULT) return name;
  }
  return LONGEST_DEFAULT;
}

/** A range a chart can show. */
export type ChartRange = keyof typeof CHART_RANGES;

/** The named chart range ending now (a second ahead, so the newest event is in). */
export function rangeEndingNow(name: ChartRange): { since: number; until: number } {
  const until = Date.now() + 1000;
  return { since: until - CHART_RANGES[name], until };
}
