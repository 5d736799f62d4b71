/**
 * Reading OTLP/HTTP logs requests as a backend stored them, in protobuf
 * (`ExportLogsServiceRequest`) or in JSON (proto3's JSON mapping), into
 * the records they carry: what `vitrine sent verify` compares with the
 * log of what left.
 *
 * @module
 */
import { BYTES, fieldsOf, FIXED64, VARINT } from "./_protobuf_wire.ts";
import type { Attributes } from "./otlp_records.ts";
import type { RecordView } from "./record_leaf.ts";

const text = new TextDecoder("utf-8", { fatal: true });

/** `AnyValue` (protobuf) as a JS value; undefined for one with no value. */
function anyValueOf(bytes: Uint8Array): unknown {
  let value: unknown = undefined;
  for (const [field, wire, raw] of fieldsOf(bytes)) {
    if (field === 1 && wire === BYTES) value = text.decode(raw as Uint8Array);
    else if (field === 2 && wire === VARINT) value = (raw as bigint) !== 0n;
    else if (field === 3 && wire === VARINT) value = Number(BigInt.asIntN(64, raw as bigint));
    else if (field === 4 && wire === FIXED64) {
      const b = raw as Uint8Array;
      value = new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
    } else if (field === 5 && wire === BYTES) {
      const list: unknown[] = [];
      for (const [f, w, item] of fieldsOf(raw as Uint8Array)) {
        if (f === 1 && w === BYTES) list.push(anyValueOf(item as Uint8Array));
      }
      value = list;
    } else if (field === 6 && wire === BYTES) value = keyValuesOf(raw as Uint8Array, 1);
  }
  return value;
}

/** The `KeyValue`s in field `field` of a message, as an object. */
function keyValuesOf(message: Uint8Array, field: number): Attributes {
  const out: Attributes = Object.create(null);
  for (const [f, w, raw] of fieldsOf(message)) {
    if (f !== field || w !== BYTES) continue;
    let key = "";
    let value: unknown = undefined;
    for (const [kf, kw, kraw] of fieldsOf(raw as Uint8Array)) {
      if (kf === 1 && kw === BYTES) key = text.decode(kraw as Uint8Array);
      else if (kf === 2 && kw === BYTES) value = anyValueOf(kraw as Uint8Array);
    }
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function fixed64(raw: Uint8Array): bigint {
  return new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0, true);
}

/** The records of a protobuf request body. */
export function decodeLogsProtobuf(body: Uint8Array): RecordView[] {
  const records: RecordView[] = [];
  for (const [f, w, resourceLogs] of fieldsOf(body)) {
    if (f !== 1 || w !== BYTES) continue;
    let resource: Attributes = {};
    const scopes: Uint8Array[] = [];
    for (const [rf, rw, raw] of fieldsOf(resourceLogs as Uint8Array)) {
      if (rf === 1 && rw === BYTES) resource = keyValuesOf(raw as Uint8Array, 1);
      else if (rf === 2 && rw === BYTES) scopes.push(raw as Uint8Array);
    }
    for (const scope of scopes) {
      for (const [sf, sw, record] of fieldsOf(scope)) {
        if (sf !== 2 || sw !== BYTES) continue;
        let time = 0n;
        for (const [lf, lw, raw] of fieldsOf(record as Uint8Array)) {
          if (lf === 1 && lw === FIXED64) time = fixed64(raw as Uint8Array);
        }
        records.push({
          attributes: keyValuesOf(record as Uint8Array, 6),
          resource,
          timeUnixNano: time,
        });
      }
    }
  }
  return records;
}

interface JsonAny {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: JsonAny[] };
  kvlistValue?: { values?: { key: string; value: JsonAny }[] };
}

function jsonValue(value: JsonAny): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(jsonValue);
  if (value.kvlistValue) return jsonAttributes(value.kvlistValue.values ?? []);
  return undefined;
}

function jsonAttributes(list: { key: string; value: JsonAny }[]): Attributes {
  const out: Attributes = Object.create(null);
  for (const { key, value } of list) {
    const decoded = jsonValue(value ?? {});
    if (decoded !== undefined) out[key] = decoded;
  }
  return out;
}

/** The records of a JSON request body. */
export function decodeLogsJson(body: Uint8Array): RecordView[] {
  const request = JSON.parse(text.decode(body));
  const records: RecordView[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = jsonAttributes(resourceLogs.resource?.attributes ?? []);
    for (const scope of resourceLogs.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        records.push({
          attributes: jsonAttributes(record.attributes ?? []),
          resource,
          timeUnixNano: BigInt(record.timeUnixNano ?? 0),
        });
      }
    }
  }
  return records;
}

/** The records of a request body in either encoding (JSON when it starts with "{"). */
export function decodeLogsRequest(body: Uint8Array): RecordView[] {
  const first = body.find((byte) =>
    byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09
  );
  return first === 0x7b ? decodeLogsJson(body) : decodeLogsProtobuf(body);
}
