/**
 * Events as OTLP log records: one record per event, named by its type,
 * carrying its id and the fields the level lets leave, under the common
 * fields as resource attributes.
 *
 * @module
 */
import type { Resource } from "@opentelemetry/resources";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { Tier } from "../catalog/types.ts";
import { APP_VERSION } from "../identity/identity.ts";
import type { QueuedEvent } from "../store/outbox_queries.ts";

/** Attribute values OTLP carries (nulls are left out: absent, not made up). */
type AttributeValue = string | number | boolean | AttributeValue[] | {
  [key: string]: AttributeValue;
};

function attributeValue(value: unknown): AttributeValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    return value.map(attributeValue).filter((item) => item !== undefined);
  }
  if (typeof value === "object") {
    const object: Record<string, AttributeValue> = {};
    for (const [key, inner] of Object.entries(value)) {
      const converted = attributeValue(inner);
      if (converted !== undefined) object[key] = converted;
    }
    return object;
  }
  return value as string | number | boolean;
}

function attributesOf(fields: Record<string, unknown>): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    const converted = attributeValue(value);
    if (converted !== undefined) attributes[key] = converted;
  }
  return attributes;
}

/** The resource of a set of common fields: the ten fields under their catalogue names, and the service. */
function resourceOf(common: string, resources: Map<string, Resource>): Resource {
  let resource = resources.get(common);
  if (!resource) {
    resource = resourceFromAttributes({
      ...attributesOf(JSON.parse(common)),
      "service.name": "vitrine",
      "service.version": APP_VERSION,
    } as never);
    resources.set(common, resource);
  }
  return resource;
}

/** The parts a batch carries, to be marked sent once it is delivered. */
export interface CarriedPart {
  event_id: number;
  tier: Tier;
}

/**
 * The log records of `events`, with the parts they were read with (the
 * outbox is read for the tiers the policy lets leave now, whatever they
 * were when the parts were queued).
 */
export function logRecordsOf(
  events: readonly QueuedEvent[],
): { records: ReadableLogRecord[]; carried: CarriedPart[] } {
  const resources = new Map<string, Resource>();
  const scope = { name: "vitrine", version: APP_VERSION };
  const records: ReadableLogRecord[] = [];
  const carried: CarriedPart[] = [];
  for (const event of events) {
    const fields: Record<string, unknown> = {};
    for (const [tier, part] of Object.entries(event.parts) as [Tier, string][]) {
      Object.assign(fields, JSON.parse(part));
      carried.push({ event_id: event.id, tier });
    }
    const seconds = Math.floor(event.time / 1000);
    const time: [number, number] = [seconds, (event.time - seconds * 1000) * 1e6];
    records.push({
      hrTime: time,
      hrTimeObserved: time,
      resource: resourceOf(event.common, resources),
      instrumentationScope: scope,
      eventName: event.type,
      attributes: {
        ...attributesOf(fields),
        "event.name": event.type,
        "vitrine.event.id": event.id,
      } as ReadableLogRecord["attributes"],
      droppedAttributesCount: 0,
    } as ReadableLogRecord);
  }
  return { records, carried };
}
