/**
 * OTLP/HTTP logs requests in protobuf (`ExportLogsServiceRequest` of
 * opentelemetry-proto's logs service), and the partial success of its
 * response.
 *
 * Written here rather than through `@opentelemetry/otlp-transformer`: that
 * package has one entry point, which loads the metrics and trace SDKs too
 * (15 MiB of resident memory), and its generic writer cost 3.5 ms per
 * statistics event in the agent's JIT-less isolate, more than the rest of
 * the agent's work together (see the README's benchmarks). Attribute keys
 * repeat from one tick to the next, so their encoded bytes are kept. The
 * tests check that the bytes are that package's serializer's, byte for
 * byte, and read them with `protoc`.
 *
 * @module
 */
import { BYTES, fieldsOf, FIXED64, tag, VARINT, Writer } from "./_protobuf_wire.ts";
import type { Attributes, AttributeValue, LogsRequest } from "./otlp_records.ts";

/** Encoded attribute keys (`KeyValue.key` with its tag and length), kept between batches. */
const keyFields = new Map<string, Uint8Array>();
const KEY_FIELDS_LIMIT = 8192;

const utf8 = new TextEncoder();

/** `AnyValue` (its fields, without the message's own tag and length). */
function anyValue(w: Writer, value: AttributeValue): void {
  switch (typeof value) {
    case "string":
      w.string(1, value);
      return;
    case "boolean":
      w.byte(tag(2, VARINT));
      w.byte(value ? 1 : 0);
      return;
    case "number":
      // Integers within int64 go as int_value, every other number as double_value.
      if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
        w.byte(tag(3, VARINT));
        w.int64(value);
      } else {
        w.byte(tag(4, FIXED64));
        w.double(value);
      }
      return;
  }
  if (Array.isArray(value)) {
    const array = w.open(5);
    for (const item of value) {
      if (item === null || item === undefined) continue;
      const inner = w.open(1);
      anyValue(w, item);
      w.close(inner);
    }
    w.close(array);
    return;
  }
  const list = w.open(6);
  writeAttributes(w, 1, value as Attributes);
  w.close(list);
}

/** The encoded `KeyValue.key` field of `key` (tag, length, UTF-8), kept between batches. */
function keyField(key: string): Uint8Array {
  let encoded = keyFields.get(key);
  if (encoded === undefined) {
    const keyBytes = utf8.encode(key);
    const length: number[] = [];
    for (let rest = keyBytes.length;; rest = Math.floor(rest / 128)) {
      length.push(rest > 0x7f ? (rest % 128) | 0x80 : rest);
      if (rest <= 0x7f) break;
    }
    encoded = new Uint8Array(1 + length.length + keyBytes.length);
    encoded[0] = tag(1, BYTES);
    encoded.set(length, 1);
    encoded.set(keyBytes, 1 + length.length);
    if (keyFields.size >= KEY_FIELDS_LIMIT) keyFields.clear();
    keyFields.set(key, encoded);
  }
  return encoded;
}

/** Bytes of the varint of a 32-bit unsigned integer. */
function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** A `KeyValue` in field `field` for each attribute that is not null. */
function writeAttributes(w: Writer, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== null && value !== undefined) keyValue(w, field, key, value);
  }
}

/**
 * A `KeyValue` in field `field`. Numbers and booleans, nearly every
 * attribute the agent sends, are written in one go (every length is known
 * beforehand); anything else goes through the general path.
 */
function keyValue(w: Writer, field: number, key: string, value: AttributeValue): void {
  const head = keyField(key);
  const small = typeof value === "boolean" ||
    (typeof value === "number" && !(Number.isInteger(value) && (value < 0 || value > 0xffffffff)));
  if (small && head.length < 100) {
    // AnyValue: bool_value, int_value (a varint) or double_value (8 bytes).
    const integer = typeof value === "number" && Number.isInteger(value);
    const anyLength = typeof value === "boolean" ? 2 : integer ? 1 + varintSize(value) : 9;
    w.room(head.length + anyLength + 4);
    const bytes = w.bytes;
    let at = w.pos;
    bytes[at++] = tag(field, BYTES);
    bytes[at++] = head.length + 2 + anyLength;
    bytes.set(head, at);
    at += head.length;
    bytes[at++] = tag(2, BYTES);
    bytes[at++] = anyLength;
    if (typeof value === "boolean") {
      bytes[at++] = tag(2, VARINT);
      bytes[at++] = value ? 1 : 0;
    } else if (integer) {
      bytes[at++] = tag(3, VARINT);
      let rest = value;
      while (rest > 0x7f) {
        bytes[at++] = (rest & 0x7f) | 0x80;
        rest >>>= 7;
      }
      bytes[at++] = rest;
    } else {
      bytes[at++] = tag(4, FIXED64);
      w.view.setFloat64(at, value, true);
      at += 8;
    }
    w.pos = at;
    return;
  }
  const pair = w.open(field);
  w.raw(head);
  const inner = w.open(2);
  anyValue(w, value);
  w.close(inner);
  w.close(pair);
}

/** Nanoseconds since the epoch of a time in whole milliseconds (beyond 2^53: in BigInt). */
const nanos = (ms: number): bigint => BigInt(Math.floor(ms)) * 1_000_000n;

/** The request as protobuf bytes. */
export function encodeLogsProtobuf(request: LogsRequest): Uint8Array<ArrayBuffer> {
  const w = new Writer();
  for (const resource of request.resources) {
    const resourceLogs = w.open(1);
    const res = w.open(1);
    writeAttributes(w, 1, resource.attributes);
    // dropped_attributes_count, 0, written out as OpenTelemetry's own exporters do.
    w.byte(tag(2, VARINT));
    w.byte(0);
    w.close(res);
    const scopeLogs = w.open(2);
    const scope = w.open(1);
    w.string(1, request.scope.name);
    w.string(2, request.scope.version);
    w.close(scope);
    for (const record of resource.records) {
      const log = w.open(2);
      const time = nanos(record.timeMs);
      w.byte(tag(1, FIXED64));
      w.fixed64(time);
      for (const set of record.attributes) writeAttributes(w, 6, set);
      w.byte(tag(7, VARINT));
      w.byte(0);
      w.byte(tag(11, FIXED64));
      w.fixed64(time);
      w.string(12, record.eventName);
      w.close(log);
    }
    w.close(scopeLogs);
    w.close(resourceLogs);
  }
  return w.done();
}

/**
 * How many records an `ExportLogsServiceResponse` says were rejected
 * (`partial_success.rejected_log_records`); 0 for an empty or unreadable answer.
 */
export function rejectedInProtobuf(answer: Uint8Array): number {
  try {
    for (const [field, wire, value] of fieldsOf(answer)) {
      if (field !== 1 || wire !== BYTES) continue;
      for (const [inner, innerWire, count] of fieldsOf(value as Uint8Array)) {
        if (inner === 1 && innerWire === VARINT) return Number(BigInt.asIntN(64, count as bigint));
      }
    }
  } catch {
    // An answer that is not protobuf says nothing about rejections.
  }
  return 0;
}
