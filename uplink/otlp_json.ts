/**
 * OTLP/HTTP logs requests in JSON (the protobuf messages in proto3's JSON
 * mapping, as the OTLP specification sets out: 64-bit integers as decimal
 * strings, field names in lowerCamelCase), and the partial success of its
 * response.
 *
 * @module
 */
import type { Attributes, AttributeValue, LogsRequest } from "./otlp_records.ts";

type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { arrayValue: { values: JsonAnyValue[] } }
  | { kvlistValue: { values: JsonKeyValue[] } };

interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}

function anyValue(value: AttributeValue): JsonAnyValue {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "number":
      if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
        return { intValue: BigInt(value).toString() };
      }
      // JSON has no NaN or infinities; proto3's mapping writes them as strings.
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (Array.isArray(value)) {
    return {
      arrayValue: {
        values: value.filter((item) => item !== null && item !== undefined).map(anyValue),
      },
    };
  }
  return { kvlistValue: { values: keyValues([value as Attributes]) } };
}

/** The attributes of `sets`, one after the other, nulls left out. */
function keyValues(sets: readonly Attributes[]): JsonKeyValue[] {
  const list: JsonKeyValue[] = [];
  for (const attributes of sets) {
    for (const key in attributes) {
      const value = attributes[key];
      if (value !== null && value !== undefined) list.push({ key, value: anyValue(value) });
    }
  }
  return list;
}

/** The request as JSON text, in UTF-8. */
export function encodeLogsJson(request: LogsRequest): Uint8Array<ArrayBuffer> {
  const document = {
    resourceLogs: request.resources.map((resource) => ({
      resource: { attributes: keyValues([resource.attributes]) },
      scopeLogs: [{
        scope: request.scope,
        logRecords: resource.records.map((record) => {
          const time = (BigInt(Math.floor(record.timeMs)) * 1_000_000n).toString();
          return {
            timeUnixNano: time,
            observedTimeUnixNano: time,
            attributes: keyValues(record.attributes),
            eventName: record.eventName,
          };
        }),
      }],
    })),
  };
  return new TextEncoder().encode(JSON.stringify(document));
}

/**
 * How many records a JSON `ExportLogsServiceResponse` says were rejected;
 * 0 for an empty or unreadable answer.
 */
export function rejectedInJson(answer: Uint8Array): number {
  try {
    const response = JSON.parse(new TextDecoder().decode(answer)) as {
      partialSuccess?: { rejectedLogRecords?: number | string };
    };
    return Number(response?.partialSuccess?.rejectedLogRecords ?? 0) || 0;
  } catch {
    return 0;
  }
}
