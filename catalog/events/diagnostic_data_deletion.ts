/**
 * The `diagnostic_data_deletion` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";

/** A person deleted this machine's diagnostic data; what went, and what the backend needs to find its copy. */
export const DIAGNOSTIC_DATA_DELETION_EVENT = defineVitrineEvent({
  type: "diagnostic_data_deletion",
  title: "Diagnostic data deleted",
  description:
    "Someone at this machine deleted its diagnostic data: every stored event, what waited to be sent, held and waiting samples and support bundles. It is the one record left, and it is sent first so that the organisation's backend can delete its copy: the common fields name the machine, and the range says which records.",
  category: "Privacy controls",
  producedBy: "`vitrine data delete` and the dashboard's privacy page.",
  fields: [
    vitrineField("actor", "required", "string", "Who asked, as they named themselves."),
    vitrineField(
      "requested_at",
      "required",
      "integer",
      "When the deletion was asked for and done (Unix epoch).",
      { unit: "milliseconds" },
    ),
    vitrineField(
      "deleted_required",
      "required",
      "integer",
      "Stored parts of the required tier that were deleted.",
      { unit: "count" },
    ),
    vitrineField(
      "deleted_optional",
      "required",
      "integer",
      "Stored parts of the optional tier that were deleted.",
      { unit: "count" },
    ),
    vitrineField(
      "withdrawn_required",
      "required",
      "integer",
      "Required parts that waited to be sent and never will be.",
      { unit: "count" },
    ),
    vitrineField(
      "withdrawn_optional",
      "required",
      "integer",
      "Optional parts that waited to be sent and never will be.",
      { unit: "count" },
    ),
    vitrineField(
      "samples_deleted",
      "required",
      "integer",
      "Samples that were held or waiting, deleted with their private copies.",
      { unit: "count" },
    ),
    vitrineField(
      "bundles_deleted",
      "required",
      "integer",
      "Support bundles deleted from this machine.",
      { unit: "count" },
    ),
    vitrineField(
      "data_from",
      "required",
      "integer",
      "When the oldest deleted record happened (Unix epoch): the backend deletes this machine's records from here.",
      { unit: "milliseconds", nullable: "Nothing was stored." },
    ),
    vitrineField(
      "data_to",
      "required",
      "integer",
      "When the newest deleted record happened (Unix epoch): the backend deletes this machine's records up to here.",
      { unit: "milliseconds", nullable: "Nothing was stored." },
    ),
  ],
});
