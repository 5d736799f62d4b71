/**
 * The `storage_eviction` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";

/** Stored data removed to keep the database within its size limit. */
export const STORAGE_EVICTION_EVENT = defineVitrineEvent({
  type: "storage_eviction",
  title: "Storage eviction",
  description:
    "The database reached its size limit (retention.maxSizeMB); the oldest stored data was removed, optional data before any required data, and this record says what and how much.",
  category: "Product and service performance",
  producedBy: "The agent, each time it removes data to stay within the size limit.",
  fields: [
    vitrineField("tier", "required", "string", "The tier whose data was removed.", {
      values: ["required", "optional"],
    }),
    vitrineField(
      "evicted_records",
      "required",
      "integer",
      "Stored parts of that tier removed (optional parts, or whole required events).",
      { unit: "count" },
    ),
    vitrineField(
      "oldest_kept_at",
      "required",
      "integer",
      "Time of the oldest event that still has data of that tier (Unix epoch).",
      { unit: "milliseconds", nullable: "Nothing of that tier is left." },
    ),
    vitrineField("limit_bytes", "required", "integer", "The size limit in effect.", {
      unit: "bytes",
    }),
    vitrineField(
      "used_bytes",
      "required",
      "integer",
      "Bytes the database's data took after the removal.",
      { unit: "bytes" },
    ),
  ],
});
