/**
 * The `sample_submission_started` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";
import { SAMPLE_SUBMISSION_FIELDS } from "./_sample_fields.ts";

/** A sample is about to be sent to the organisation's sample store. */
export const SAMPLE_SUBMISSION_STARTED_EVENT = defineVitrineEvent({
  type: "sample_submission_started",
  title: "Sample submission started",
  description:
    "A sample the policy (or a person) allows is being sent to the organisation's sample store, after its content was checked against the digest taken at detection. Recorded before the first byte leaves.",
  category: "Privacy controls",
  producedBy: "The agent's sample submitter, at each attempt.",
  fields: [
    ...SAMPLE_SUBMISSION_FIELDS,
    vitrineField("size", "required", "integer", "Bytes being sent.", { unit: "bytes" }),
    vitrineField("attempt", "required", "integer", "1 for the first attempt, then 2, 3 …", {
      unit: "count",
    }),
  ],
});
