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

/** `value` with nulls left out, as OTLP carries it. */
function carried(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => item !== null && item !== undefined).map(carried);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== null && item !== undefined) out[key] = carried(item);
    }
    return out;
  }
  return value;
}

/** The canonical form of `view`, as bytes. */
export function leafData(view: RecordView): Uint8Array {
  return new TextEncoder().encode(canonicalJson({
    attributes: carried(view.attributes),
    resource: carried(view.resource),
    time_unix_nano: view.timeUnixNano.toString(),
  }));
}

/** The view of a record the agent sends, under its resource's attributes. */
export function sentView(record: LogRecordData, resource: Attributes): RecordView {
  return {
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
