/**
 * The canonical form of a log record as it left: what a leaf of the log of
 * what left hashes, and what a backend recomputes from what it received,
 * whether the request was JSON or protobuf. It is the canonical JSON (keys
 * sorted, no spaces, UTF-8) of
 *
 *     {"attributes": {...}, "resource": {...}, "time_unix_nano": "<decimal>"}
 *
 * where `attributes` are the record's attributes and `resource` its
 * resource's, each key to its value: a string, a boolean, a number (an
 * OTLP int or double, written as ECMAScript writes numbers), a list, or an
 * object for a key-value list; null values (which OTLP cannot carry) are
 * left out, in lists and objects too.
 *
 * @module
 */
import { canonicalJson } from "../store/canonical_json.ts";
import type { Attributes, LogRecordData } from "./otlp_records.ts";

/** A record as received or sent: its attributes, its resource's and its time. */
export interface RecordView {
  attributes: Attributes;
  resource: Attributes;
  timeUnixNano: bigint;
}

/**
 * `value` with nulls left out (as OTLP carries it) and every object's keys
 * in canonical order, for `JSON.stringify` to write in one builtin pass:
 * written key by key in the interpreter, the canonical form took half the
 * time of sending a record. Returns null when an object has a key that
 * looks like an array index: JavaScript puts those first whatever the
 * order they were added in, so such a record is written key by key.
 */
function ordered(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (item === null || item === undefined) continue;
      const inner = ordered(item);
      if (inner === null) return null;
      out.push(inner);
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  // No prototype: a key "__proto__" is a key like any other.
  const out: Record<string, unknown> = Object.create(null);
  // Object.keys lists index-like keys first: one check of the first key finds them.
  const keys = Object.keys(record);
  if (keys.length > 0 && isIndexLike(keys[0]!)) return null;
  for (const key of keys.sort()) {
    const item = record[key];
    if (item === null || item === undefined) continue;
    const inner = ordered(item);
    if (inner === null) return null;
    out[key] = inner;
  }
  return out;
}

function isIndexLike(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57;
}

/** `value` with nulls left out, keys in any order (for {@linkcode canonicalJson}). */
function carried(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => item !== null && item !== undefined).map(carried);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value)) {
      if (item !== null && item !== undefined) out[key] = carried(item);
    }
    return out;
  }
  return value;
}

/** The canonical form of `view`, as bytes. */
export function leafData(view: RecordView): Uint8Array {
  const attributes = ordered(view.attributes);
  const resource = ordered(view.resource);
  const time = view.timeUnixNano.toString();
  const text = attributes !== null && resource !== null
    ? JSON.stringify({ attributes, resource, time_unix_nano: time })
    : canonicalJson({
      attributes: carried(view.attributes),
      resource: carried(view.resource),
      time_unix_nano: time,
    });
  return new TextEncoder().encode(text);
}

/**
 * The attribute parts of a record (later parts win, as one object made of
 * them would say) in canonical order, without making that object: with
 * some 200 keys it would cost more than the ordering. Null as {@linkcode ordered}.
 */
function orderedParts(parts: readonly Attributes[]): Record<string, unknown> | null {
  if (parts.length === 1) return ordered(parts[0]) as Record<string, unknown> | null;
  const keys: string[] = [];
  for (const part of parts) {
    const own = Object.keys(part);
    if (own.length > 0 && isIndexLike(own[0]!)) return null;
    for (const key of own) keys.push(key);
  }
  keys.sort();
  const out: Record<string, unknown> = Object.create(null);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0 && keys[i - 1] === key) continue;
    let value: unknown = null;
    for (let p = parts.length - 1; p >= 0; p--) {
      if (Object.hasOwn(parts[p]!, key)) {
        value = parts[p]![key];
        break;
      }
    }
    if (value === null || value === undefined) continue;
    const inner = ordered(value);
    if (inner === null) return null;
    out[key] = inner;
  }
  return out;
}

/** The canonical form of a record the agent sends, under its resource's attributes, as bytes. */
export function sentLeafData(record: LogRecordData, resource: Attributes): Uint8Array {
  const attributes = orderedParts(record.attributes);
  const ordersResource = ordered(resource);
  if (attributes === null || ordersResource === null) return leafData(sentView(record, resource));
  return new TextEncoder().encode(JSON.stringify({
    attributes,
    resource: ordersResource,
    time_unix_nano: (BigInt(Math.floor(record.timeMs)) * 1_000_000n).toString(),
  }));
}

/** The event id a record the agent sends carries (its `vitrine.event.id`), or null. */
export function sentEventId(record: LogRecordData): number | null {
  for (let p = record.attributes.length - 1; p >= 0; p--) {
    const part = record.attributes[p]!;
    if (Object.hasOwn(part, "vitrine.event.id")) {
      const id = part["vitrine.event.id"];
      return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
    }
  }
  return null;
}

/** The view of a record the agent sends, under its resource's attributes. */
export function sentView(record: LogRecordData, resource: Attributes): RecordView {
  return {
    // The catalogue's names: no "__proto__" among them.
    attributes: Object.assign({}, ...record.attributes),
    resource,
    // As both encodings write it.
    timeUnixNano: BigInt(Math.floor(record.timeMs)) * 1_000_000n,
  };
}

/** The event id a record carries (its `vitrine.event.id`), or null. */
export function eventIdOf(view: RecordView): number | null {
  const id = view.attributes["vitrine.event.id"];
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}
