/**
 * A batch of queued events as an OTLP/HTTP logs request body, in protobuf
 * or JSON, kept under a size limit by carrying fewer events.
 *
 * @module
 */
import type { QueuedEvent } from "../store/outbox_queries.ts";
import { encodeLogsJson, rejectedInJson } from "./otlp_json.ts";
import { encodeLogsProtobuf, rejectedInProtobuf } from "./otlp_protobuf.ts";
import { type CarriedPart, logRecordsOf, type LogsRequest } from "./otlp_records.ts";
import { sentEventId, sentLeafData } from "./record_leaf.ts";
import type { NewLeaf } from "../store/sent_log_queries.ts";

/** A request body and what it carries. */
export interface EncodedBatch {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** The events it carries (the first of those given, when they did not all fit). */
  events: number;
  carried: CarriedPart[];
  /** Each record's leaf of the log of what left, added once it is delivered. */
  leaves: NewLeaf[];
  /** Reads the receiver's answer for the records it rejected (partial success). */
  rejectedIn(answer: Uint8Array): number;
}

const ENCODINGS = {
  protobuf: {
    encode: encodeLogsProtobuf,
    contentType: "application/x-protobuf",
    rejectedIn: rejectedInProtobuf,
  },
  json: { encode: encodeLogsJson, contentType: "application/json", rejectedIn: rejectedInJson },
} as const;

/** Encodes `events` (as many as fit in `maxBytes`, at least one) in `encoding`. */
export function encodeBatch(
  events: readonly QueuedEvent[],
  encoding: "protobuf" | "json",
  maxBytes: number,
): EncodedBatch {
  const { encode, contentType, rejectedIn } = ENCODINGS[encoding];
  let batch = events;
  let built = logRecordsOf(batch);
  let body = encode(built.request);
  while (body.length > maxBytes && batch.length > 1) {
    const fits = Math.floor(batch.length * maxBytes / body.length * 0.9);
    batch = batch.slice(0, Math.max(1, Math.min(fits, batch.length - 1)));
    built = logRecordsOf(batch);
    body = encode(built.request);
  }
  return {
    body,
    contentType,
    events: batch.length,
    carried: built.carried,
    leaves: leavesOf(built.request),
    rejectedIn,
  };
}

/** The records of `request` in their canonical form, as leaves of the log of what left. */
function leavesOf(request: LogsRequest): NewLeaf[] {
  const leaves: NewLeaf[] = [];
  for (const resource of request.resources) {
    for (const record of resource.records) {
      leaves.push({
        eventId: sentEventId(record) ?? -1,
        data: sentLeafData(record, resource.attributes),
      });
    }
  }
  return leaves;
}
