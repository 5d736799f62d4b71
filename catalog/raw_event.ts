/**
 * An event as a collector produces it, before validation and storage.
 *
 * @module
 */
import type { EventType } from "./catalog.ts";
import type { Fields } from "./validate_event.ts";

/** An event as a collector produces it. */
export interface RawEvent {
  type: EventType;
  fields: Fields;
  /** Unix epoch ms; now when absent. */
  time?: number;
}
