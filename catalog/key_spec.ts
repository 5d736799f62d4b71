/**
 * Lookups into the catalogue: which spec describes a stored key.
 *
 * @module
 */
import { CATALOG } from "./catalog.ts";
import type { EventSpec, FieldSpec } from "./types.ts";

/** How a stored key relates to the catalogue. */
export type KeySpec =
  | { kind: "field"; spec: FieldSpec }
  | { kind: "group"; members: ReadonlyMap<string, FieldSpec> };

interface EventIndex {
  event: EventSpec;
  /** Every field by the name the catalogue declares it with. */
  declared: Map<string, FieldSpec>;
  exact: Map<string, FieldSpec>;
  groups: Map<string, Map<string, FieldSpec>>;
  patterns: { prefix: string; spec: FieldSpec }[];
  /** Keys already looked up (collectors send the same ones every tick), null for unknown. */
  resolved: Map<string, KeySpec | null>;
}

/** Keys remembered per event type at most; beyond, the memo starts again. */
const RESOLVED_LIMIT = 8192;

const COMMON_NAMES = new Map(
  CATALOG.common.map((field) => [field.name, field]),
);
const INDEX = new Map<string, EventIndex>();
for (const event of CATALOG.events) {
  const index: EventIndex = {
    event,
    declared: new Map(event.fields.map((field) => [field.name, field])),
    exact: new Map(),
    groups: new Map(),
    patterns: [],
    resolved: new Map(),
  };
  for (const field of event.fields) {
    const group = field.name.indexOf("[].");
    const pattern = field.name.indexOf(".[");
    if (group > 0) {
      const prefix = field.name.slice(0, group);
      const members = index.groups.get(prefix) ?? new Map<string, FieldSpec>();
      members.set(field.name.slice(group + 3), field);
      index.groups.set(prefix, members);
    } else if (pattern > 0) {
      index.patterns.push({
        prefix: field.name.slice(0, pattern + 1),
        spec: field,
      });
    } else {
      index.exact.set(field.name, field);
    }
  }
  INDEX.set(event.type, index);
}

/** The event spec for `type`, or undefined. */
export function eventSpec(type: string): EventSpec | undefined {
  return INDEX.get(type)?.event;
}

/** The field of event `type` declared as `name` (such as `a[].b` or `a.[label]`), or undefined. */
export function declaredField(type: string, name: string): FieldSpec | undefined {
  return INDEX.get(type)?.declared.get(name);
}

/** The common field named `name`, or undefined. */
export function commonField(name: string): FieldSpec | undefined {
  return COMMON_NAMES.get(name);
}

/** What the catalogue says of key `key` of an event of type `type`. */
export function keySpec(type: string, key: string): KeySpec | undefined {
  const index = INDEX.get(type);
  if (index === undefined) return undefined;
  const known = index.resolved.get(key);
  if (known !== undefined) return known ?? undefined;
  const found = resolve(index, key);
  if (index.resolved.size >= RESOLVED_LIMIT) index.resolved.clear();
  index.resolved.set(key, found ?? null);
  return found;
}

function resolve(index: EventIndex, key: string): KeySpec | undefined {
  const exact = index.exact.get(key);
  if (exact) return { kind: "field", spec: exact };
  const members = index.groups.get(key);
  if (members) return { kind: "group", members };
  for (const { prefix, spec } of index.patterns) {
    if (key.startsWith(prefix) && key.length > prefix.length) {
      return { kind: "field", spec };
    }
  }
  return undefined;
}
