/**
 * The shapes of the catalogue: events, fields, tiers, units.
 *
 * @module
 */

/** A diagnostic tier. `required` is always below `optional`. */
export type Tier = "required" | "optional";

/** The tiers, lowest first. */
export const TIERS: readonly Tier[] = ["required", "optional"];

/** The tiers in the order data goes when room must be made: optional first. */
export const EVICTION_ORDER: readonly Tier[] = ["optional", "required"];

/** Platforms named by the two privacy pages the catalogue follows. */
export type Platform = "linux" | "macos";

/** The value types a field may hold. */
export type FieldType =
  | "string"
  | "integer"
  | "number"
  | "boolean"
  | "string[]"
  | "object";

/** Units in which numeric fields are stated. */
export type Unit =
  | "bytes"
  | "seconds"
  | "milliseconds"
  | "count"
  | "percent"
  | "hertz"
  | "load";

/** Bits of one kernel interface, named as in its header without prefix. */
export interface KernelObservation {
  /** The event is counted once when any of these bits is set. */
  bits: readonly string[];
  /** Count only events whose object is not a directory. */
  filesOnly?: boolean;
}

/** The two families of file-activity counters: vnode operations and file operations. */
export type CounterFamily = "vnode" | "file_op";

/** A counter as the eBPF sensor counts it: entries into system calls, by name. */
export interface EbpfObservation {
  /** Each entry into one of these system calls counts once. */
  calls: readonly string[];
  /** Calls the sensor singles out by an argument that count too (an open with O_CREAT). */
  plus?: readonly string[];
  /** Calls the sensor singles out by an argument that are taken away (a thread started by clone). */
  minus?: readonly string[];
  /** How the count differs from the counter's meaning, when it does; absent when it is exact. */
  approximation?: string;
}

/** How a counter of the file-activity subsystem is observed on Linux. */
export interface CounterSource {
  /** Counted in the kernel by the eBPF sensor, or null when it cannot count it. */
  ebpf: EbpfObservation | null;
  /** Observed through fanotify, or null when fanotify cannot see it. */
  fanotify: KernelObservation | null;
  /** Observed through inotify, or null when inotify cannot see it. */
  inotify: KernelObservation | null;
  /** A counter the kernel reader keeps about its own reading. */
  reader?: "bad_records" | "read_failures";
  /** The counter family whose kernel bits this counter sums, for a mask field. */
  maskOf?: CounterFamily;
  /** The family a kernel-observed counter belongs to (its bits join that family's mask). */
  family?: CounterFamily;
  /** What it counts here, in words. */
  meaning: string;
}

/** One field of an event. */
export interface FieldSpec {
  /**
   * The field name. `a[].b` names member `b` of the objects in array `a`;
   * `a.[label]` names a family of keys under `a`.
   */
  readonly name: string;
  readonly tier: Tier;
  readonly type: FieldType;
  readonly unit?: Unit;
  /** Allowed values, for enumerations. */
  readonly values?: readonly string[];
  /** Whether null is a valid value, and what null means. */
  readonly nullable?: string;
  readonly description: string;
  readonly platforms: readonly Platform[];
  /** `seed` for a field the privacy pages name; `vitrine` for our own. */
  readonly origin: "seed" | "vitrine";
  /** For counters of the file-activity subsystem. */
  readonly source?: CounterSource;
  /**
   * How /metrics exposes this numeric field: a gauge (a level now) or a
   * counter (it only grows from a start). Fields without one are not metrics.
   */
  readonly measure?: Measure;
}

/** The kind of a metric, in Prometheus' terms. */
export type Measure = "gauge" | "counter";

/** One event type. */
export interface EventSpec<Type extends string = string> {
  readonly type: Type;
  readonly title: string;
  readonly description: string;
  /** The heading of the privacy pages this event falls under. */
  readonly category: string;
  readonly origin: "seed" | "vitrine";
  readonly platforms: readonly Platform[];
  /** What makes vitrine record it, or why it never does. */
  readonly producedBy: string;
  /** The prefix of the Prometheus metrics its measured fields become (see `measure`). */
  readonly metricPrefix?: string;
  readonly fields: readonly FieldSpec[];
}

/** The catalogue as a whole. */
export interface Catalog {
  readonly version: string;
  readonly common: readonly FieldSpec[];
  readonly events: readonly EventSpec[];
}
