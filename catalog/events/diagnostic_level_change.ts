/**
 * The `diagnostic_level_change` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";

/** A change of the diagnostic level in effect. */
export const DIAGNOSTIC_LEVEL_CHANGE_EVENT = defineVitrineEvent({
  type: "diagnostic_level_change",
  title: "Diagnostic level change",
  description:
    "The diagnostic level in effect changed; lowering it deletes stored optional data, and this record says how much and when.",
  category: "Privacy controls",
  producedBy: "The agent, whenever the level in effect changes.",
  fields: [
    vitrineField("from_level", "required", "string", "Level before the change.", {
      values: ["required", "optional"],
    }),
    vitrineField("to_level", "required", "string", "Level after the change.", {
      values: ["required", "optional"],
    }),
    vitrineField("source", "required", "string", "Where the new level came from.", {
      values: ["default", "local", "managed", "fail_closed"],
    }),
    vitrineField(
      "deleted_records",
      "required",
      "integer",
      "Stored optional records deleted because of the change.",
      { unit: "count" },
    ),
    vitrineField(
      "deleted_at",
      "required",
      "integer",
      "When the deletion was committed (Unix epoch).",
      { unit: "milliseconds", nullable: "Nothing was deleted." },
    ),
  ],
});
