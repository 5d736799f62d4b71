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
// canonical order is worked out once per key list and remembered.
const orders = new Map<string, { keys: string[]; text: string }>();

function canonicalOrder(fields: Fields): { keys: string[]; text: string } {
  const own = Object.keys(fields).filter((key) => fields[key] !== undefined);
  const signature = own.join("\n");
  let order = orders.get(signature);
  if (!order) {
    const keys = own.sort(byCodeUnit);
    order = { keys, text: JSON.stringify(keys) };
    if (orders.size >= 256) orders.clear();
    orders.set(signature, order);
  }
  return order;
}

/**
 * Encodes `fields`. A canonical JSON value never holds a raw newline
 * (strings escape it), so newlines separate values unambiguously.
 */
export function encodePart(fields: Fields): EncodedPart {
  const { keys, text } = canonicalOrder(fields);
  let values = "";
  for (let i = 0; i < keys.length; i++) {
    const value = fields[keys[i]!];
    const json = typeof value === "object" && value !== null
      ? canonicalJson(value)
      : JSON.stringify(value);
    values += i === 0 ? json : `\n${json}`;
  }
  return { keys: text, values };
}

/** A shape ready for decoding: each key already written as `"key":`. */
export interface Shape {
  keys: readonly string[];
  prefixes: readonly string[];
}

/** Prepares the shape whose keys are the JSON array `keys`. */
export function shapeOf(keys: string): Shape {
  const list = JSON.parse(keys) as string[];
  return { keys: list, prefixes: list.map((key) => `${JSON.stringify(key)}:`) };
}

/** The canonical JSON of a part, rebuilt from its shape and values. */
export function partCanonicalJson(shape: Shape, values: string): string {
  if (shape.keys.length === 0) return "{}";
  const items = values.split("\n");
  let out = "{";
  for (let i = 0; i < shape.prefixes.length; i++) {
    out += (i === 0 ? "" : ",") + shape.prefixes[i] + items[i];
  }
  return `${out}}`;
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
  const words: string[] = [];
  const add = (key: string, value: unknown) => {
    if (typeof value === "string") words.push(`${key} ${value}`);
    else if (Array.isArray(value)) { for (const item of value) add(key, item); }
    else if (typeof value === "object" && value !== null) {
      for (const [member, inner] of Object.entries(value)) add(`${key}.${member}`, inner);
    }
  };
  for (const [key, value] of Object.entries(fields)) add(key, value);
  return words.join("\n");
}
