/**
 * A batch of queued events as an OTLP/HTTP logs request body, in protobuf
 * or JSON, kept under a size limit by carrying fewer events.
 *
 * @module
 */
import type { QueuedEvent } from "../store/outbox_queries.ts";
import type { CarriedPart } from "./otlp_records.ts";

/** A request body and what it carries. */
export interface EncodedBatch {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** The events it carries (the first of those given, when they did not all fit). */
  events: number;
  carried: CarriedPart[];
  /** Reads the receiver's answer for the records it rejected (partial success). */
  rejectedIn(answer: Uint8Array): number;
}

/**
 * Encodes `events` (as many as fit in `maxBytes`, at least one) with the
 * OpenTelemetry serializer of `encoding`.
 */
export async function encodeBatch(
  events: readonly QueuedEvent[],
  encoding: "protobuf" | "json",
  maxBytes: number,
): Promise<EncodedBatch> {
  // OpenTelemetry's packages cost 15 MB: loaded only once something is sent.
  const [{ JsonLogsSerializer, ProtobufLogsSerializer }, { logRecordsOf }] = await Promise.all([
    import("@opentelemetry/otlp-transformer"),
    import("./otlp_records.ts"),
  ]);
  const serializer = encoding === "json" ? JsonLogsSerializer : ProtobufLogsSerializer;
  let batch = events;
  let built = logRecordsOf(batch);
  let body = serializer.serializeRequest(built.records) ?? new Uint8Array();
  while (body.length > maxBytes && batch.length > 1) {
    const fits = Math.floor(batch.length * maxBytes / body.length * 0.9);
    batch = batch.slice(0, Math.max(1, Math.min(fits, batch.length - 1)));
    built = logRecordsOf(batch);
    body = serializer.serializeRequest(built.records) ?? new Uint8Array();
  }
  return {
    body: new Uint8Array(body),
    contentType: encoding === "json" ? "application/json" : "application/x-protobuf",
    events: batch.length,
    carried: built.carried,
    rejectedIn(answer) {
      if (answer.length === 0) return 0;
      try {
        const response = serializer.deserializeResponse(answer) as {
          partialSuccess?: { rejectedLogRecords?: number | string };
        };
        return Number(response?.partialSuccess?.rejectedLogRecords ?? 0) || 0;
      } catch {
        return 0;
      }
    },
  };
}
