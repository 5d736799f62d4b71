/**
 * Events as OTLP log records: one record per event, named by its type,
 * carrying its id and the fields the level lets leave, under the common
 * fields as resource attributes (one resource per set of common fields).
 *
 * @module
 */
import type { Tier } from "../catalog/types.ts";
import { APP_VERSION } from "../identity/identity.ts";
import type { QueuedEvent } from "../store/outbox_queries.ts";

/**
 * Attribute values as stored (parsed JSON): a null, or a null inside a
 * list or object, is left out when encoded (absent, not made up).
 */
export type AttributeValue = unknown;

/** Attributes by key, in the order they are sent; null values are left out. */
export type Attributes = Record<string, unknown>;

/** One log record. */
export interface LogRecordData {
  /** When the event happened, in milliseconds since the epoch (sent as its time and observed time). */
  timeMs: number;
  eventName: string;
  /** Its attributes, written one set after the other (each tier's part, then the record's own). */
  attributes: Attributes[];
}

/** A request: the records of each resource, under one instrumentation scope. */
export interface LogsRequest {
  scope: { name: string; version: string };
  resources: { attributes: Attributes; records: LogRecordData[] }[];
}

/** The parts a batch carries, to be marked sent once it is delivered. */
export interface CarriedPart {
  event_id: number;
  tier: Tier;
}

/**
 * The request carrying `events`, with the parts they were read with (the
 * outbox is read for the tiers the policy lets leave now, whatever they
 * were when the parts were queued).
 */
export function logRecordsOf(
  events: readonly QueuedEvent[],
): { request: LogsRequest; carried: CarriedPart[] } {
  const byCommon = new Map<string, LogsRequest["resources"][number]>();
  const carried: CarriedPart[] = [];
  for (const event of events) {
    let resource = byCommon.get(event.common);
    if (!resource) {
      const attributes: Attributes = {
        ...JSON.parse(event.common),
        "service.name": "vitrine",
        "service.version": APP_VERSION,
      };
      byCommon.set(event.common, resource = { attributes, records: [] });
    }
    const attributes: Attributes[] = [];
    for (const [tier, part] of Object.entries(event.parts) as [Tier, string][]) {
      attributes.push(JSON.parse(part));
      carried.push({ event_id: event.id, tier });
    }
    attributes.push({ "event.name": event.type, "vitrine.event.id": event.id });
    resource.records.push({ timeMs: event.time, eventName: event.type, attributes });
  }
  return {
    request: {
      scope: { name: "vitrine", version: APP_VERSION },
      resources: [...byCommon.values()],
    },
    carried,
  };
}
