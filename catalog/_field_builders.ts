/**
 * Builders of catalogue fields, shared by the event files. Internal to the
 * catalogue: everything else reads the assembled {@linkcode CATALOG}.
 *
 * @module
 */
import type {
  CounterFamily,
  CounterSource,
  EbpfObservation,
  EventSpec,
  FieldSpec,
  FieldType,
  Measure,
  Platform,
  Tier,
  Unit,
} from "./types.ts";

/** Both platforms of the privacy pages. */
export const BOTH: readonly Platform[] = ["linux", "macos"];
/** Linux only. */
export const LINUX: readonly Platform[] = ["linux"];

/** What a field may carry besides its name, tier, type and description. */
export interface FieldOptions {
  unit?: Unit;
  values?: readonly string[];
  nullable?: string;
  platforms?: readonly Platform[];
  source?: CounterSource;
  measure?: Measure;
}

function field(
  origin: FieldSpec["origin"],
  defaultPlatforms: readonly Platform[],
  [name, tier, type, description, options = {}]: FieldArguments,
): FieldSpec {
  return {
    name,
    tier,
    type,
    description,
    platforms: options.platforms ?? defaultPlatforms,
    origin,
    ...(options.unit ? { unit: options.unit } : {}),
    ...(options.values ? { values: options.values } : {}),
    ...(options.nullable ? { nullable: options.nullable } : {}),
    ...(options.source ? { source: options.source } : {}),
    ...(options.measure ? { measure: options.measure } : {}),
  };
}

/** What the field builders take: name, tier, type, description and options. */
export type FieldArguments = [
  name: string,
  tier: Tier,
  type: FieldType,
  description: string,
  options?: FieldOptions,
];

/** A field the privacy pages name (name and tier as the pages give them). */
export function seedField(...args: FieldArguments): FieldSpec {
  return field("seed", BOTH, args);
}

/** A field of vitrine's own (Linux unless said otherwise). */
export function vitrineField(...args: FieldArguments): FieldSpec {
  return field("vitrine", LINUX, args);
}

/**
 * A gauge of vitrine's own: a value read as it is now (memory, load, a
 * share), in `unit`, which Prometheus serves as a gauge.
 */
export function gaugeField(
  name: string,
  tier: Tier,
  type: "integer" | "number",
  description: string,
  unit: Unit,
  options: Omit<FieldOptions, "unit" | "measure"> = {},
): FieldSpec {
  return vitrineField(name, tier, type, description, { ...options, unit, measure: "gauge" });
}

/** How a counter is observed, without its meaning (the field adds it). */
export type CounterObservation = Omit<CounterSource, "meaning">;

/**
 * A counter of the file-activity subsystem: an optional, nullable count
 * whose source says which kernel bits (or reader counter) feed it.
 */
export function kernelCounterField(
  name: string,
  meaning: string,
  source: CounterObservation,
  platforms: readonly Platform[] = BOTH,
): FieldSpec {
  return seedField(
    name,
    "optional",
    "integer",
    `Count since the subsystem started: ${meaning}`,
    {
      unit: "count",
      platforms,
      source: { ...source, meaning },
      // A mask is a set of bits, not a count that grows.
      measure: source.maskOf ? "gauge" : "counter",
      nullable: "The active subsystem cannot observe this; it is unsupported here, not zero.",
    },
  );
}

/** A counter no Linux interface can observe. */
export const UNOBSERVABLE: CounterObservation = { ebpf: null, fanotify: null, inotify: null };

/** `observation`, also counted by the eBPF sensor as `ebpf` says. */
export function withEbpf(
  observation: CounterObservation,
  ebpf: EbpfObservation,
): CounterObservation {
  return { ...observation, ebpf };
}

/** A counter the kernel reader keeps about its own reading. */
export function readerObservation(counter: "bad_records" | "read_failures"): CounterObservation {
  return { ...UNOBSERVABLE, reader: counter };
}

/** The kernel mask a counter family subscribes to. */
export function maskObservation(family: CounterFamily): CounterObservation {
  return { ...UNOBSERVABLE, maskOf: family };
}

/**
 * A counter fed by kernel bits of fanotify and inotify (null where that
 * interface cannot see it), joining the mask of `family`.
 */
export function kernelBitsObservation(
  family: CounterFamily,
  fanotify: readonly string[] | null,
  inotify: readonly string[] | null,
  filesOnly = false,
): CounterObservation {
  return {
    family,
    ebpf: null,
    fanotify: fanotify ? { bits: fanotify, filesOnly } : null,
    inotify: inotify ? { bits: inotify, filesOnly } : null,
  };
}

/** Declares an event, keeping its type name as a literal type. */
export function defineEvent<Type extends string>(spec: EventSpec<Type>): EventSpec<Type> {
  return spec;
}

/**
 * Declares one of vitrine's own events: they come from the agent, which
 * runs on Linux only, so their origin and platforms are set here once.
 */
export function defineVitrineEvent<Type extends string>(
  spec: Omit<EventSpec<Type>, "origin" | "platforms">,
): EventSpec<Type> {
  return { ...spec, origin: "vitrine", platforms: LINUX };
}
