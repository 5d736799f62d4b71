/**
 * An event as a collector produces it, before validation and storage: its
 * fields typed from the catalogue (catalog/event_fields.ts), so that a
 * field the catalogue does not know, or a value of the wrong type, fails
 * `deno check`.
 *
 * @module
 */
import type { EventType } from "./catalog.ts";
import type { EventFields } from "./event_fields.ts";

/** An event of type `T` as a collector produces it. */
export interface RawEventOf<T extends EventType> {
  type: T;
  fields: EventFields[T];
  /** Unix epoch ms; now when absent. */
  time?: number;
}

/** An event as a collector produces it, of any type. */
export type RawEvent = { [T in EventType]: RawEventOf<T> }[EventType];
