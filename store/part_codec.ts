/**
 * The compact encoding of an event part: its keys once per shape (stored
 * in `part_shape`), and per event only the values, each in canonical JSON,
 * one per line. The canonical JSON of the part, which the export hashes,
 * is rebuilt from the two exactly, without parsing a value.
 *
 * @module
 */
import type { Fields } from "../catalog/validate_event.ts";
import { canonicalJson } from "./canonical_json.ts";

/** An encoded part: the shape (sorted keys, as a JSON array) and the values. */
export interface EncodedPart {
  /** JSON array of the part's keys in canonical order: the shape's identity. */
  keys: string;
  /** The values in key order, each canonical JSON, joined by newlines. */
  values: string;
}

// The order canonical JSON uses: UTF-16 code units.
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// A collector builds the same keys in the same order tick after tick: their
// canonical order is worked out once per key list and remembered, found by
// the count, first and last key, and checked key by key.
interface Order {
  own: readonly string[];
  keys: string[];
  text: string;
}
const orders = new Map<string, Order[]>();
let remembered = 0;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function canonicalOrder(fields: Fields): Order {
  let own = Object.keys(fields);
  for (let i = 0; i < own.length; i++) {
    if (fields[own[i]!] === undefined) {
      own = own.filter((key) => fields[key] !== undefined);
      break;
    }
  }
  const probe = `${own.length}\n${own[0]}\n${own[own.length - 1]}`;
  const candidates = orders.get(probe);
  const known = candidates?.find((order) => sameKeys(order.own, own));
  if (known) return known;
  const keys = [...own].sort(byCodeUnit);
  const order = { own, keys, text: JSON.stringify(keys) };
  if (remembered >= 256) {
    orders.clear();
    remembered = 0;
  }
  orders.set(probe, [...(candidates ?? []), order]);
  remembered++;
  return order;
}

/**
 * Encodes `fields`. A canonical JSON value never holds a raw newline
 * (strings escape it), so newlines separate values unambiguously.
 */
export function encodePart(fields: Fields): EncodedPart {
  const { keys, text } = canonicalOrder(fields);
  // Numbers, booleans and nulls (most statistics) hold no comma: one JSON
  // text of them all, cut at the commas, is each value's JSON. Strings and
  // objects stand in as null there and are encoded one by one.
  const plain: unknown[] = new Array(keys.length);
  let others: number[] | null = null;
  for (let i = 0; i < keys.length; i++) {
    const value = fields[keys[i]!];
    if (typeof value === "string" || (typeof value === "object" && value !== null)) {
      plain[i] = null;
      (others ??= []).push(i);
    } else plain[i] = value;
  }
  if (keys.length === 0) return { keys: text, values: "" };
  const json = JSON.stringify(plain).slice(1, -1);
  if (others === null) return { keys: text, values: json.replaceAll(",", "\n") };
  const items = json.split(",");
  for (const i of others) {
    const value = fields[keys[i]!];
    items[i] = typeof value === "string" ? JSON.stringify(value) : canonicalJson(value);
  }
  return { keys: text, values: items.join("\n") };
}

/**
 * A shape ready for decoding: each key already written as it precedes its
 * value in the part's JSON (`"key":`, after a comma for all but the first).
 */
export interface Shape {
  keys: readonly string[];
  prefixes: readonly string[];
}

/** Prepares the shape whose keys are the JSON array `keys`. */
export function shapeOf(keys: string): Shape {
  const list = JSON.parse(keys) as string[];
  return {
    keys: list,
    prefixes: list.map((key, i) => `${i === 0 ? "" : ","}${JSON.stringify(key)}:`),
  };
}

/** The canonical JSON of a part, rebuilt from its shape and values. */
export function partCanonicalJson(shape: Shape, values: string): string {
  const prefixes = shape.prefixes;
  if (prefixes.length === 0) return "{}";
  // One pass over the values, cut at their newlines: no array of pieces to
  // build and join (that was a third of an export's time).
  let json = `{${prefixes[0]}`;
  let from = 0;
  for (let i = 1; i < prefixes.length; i++) {
    const end = values.indexOf("\n", from);
    if (end < 0) break; // fewer values than keys: only what is there
    json += values.slice(from, end);
    json += prefixes[i];
    from = end + 1;
  }
  return `${json}${values.slice(from)}}`;
}

/** The value of `key` in a part, or undefined when the part has no such key. */
export function partValue(shape: Shape, values: string, key: string): unknown {
  const index = shape.keys.indexOf(key);
  if (index < 0) return undefined;
  const text = values.split("\n", index + 1)[index];
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * The words of a part for the full-text index: the names and values of its
 * string fields (and of strings inside lists). Numbers, booleans and nulls
 * are not indexed: they are not words, and they made most of the index.
 */
export function searchText(fields: Fields): string {
  let text = "";
  for (const key in fields) {
    const value = fields[key];
    // Numbers, most values, are passed over first.
    if (typeof value === "number" || typeof value === "boolean" || value === null) continue;
    const words = wordsOf(key, value);
    if (words !== "") text = text === "" ? words : `${text}\n${words}`;
  }
  return text;
}

function wordsOf(key: string, value: unknown): string {
  if (typeof value === "string") return `${key} ${value}`;
  const words: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) words.push(wordsOf(key, item));
  } else if (typeof value === "object" && value !== null) {
    for (const member in value) {
      words.push(wordsOf(`${key}.${member}`, (value as Record<string, unknown>)[member]));
    }
  }
  return words.filter((word) => word !== "").join("\n");
}
