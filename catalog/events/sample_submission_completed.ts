/**
 * The `sample_submission_completed` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";
import { SAMPLE_SUBMISSION_FIELDS } from "./_sample_fields.ts";

/** The sample store accepted a sample. */
export const SAMPLE_SUBMISSION_COMPLETED_EVENT = defineVitrineEvent({
  type: "sample_submission_completed",
  title: "Sample submission completed",
  description: "The organisation's sample store accepted a sample (it answered 2xx).",
  category: "Privacy controls",
  producedBy: "The agent's sample submitter, after the store accepted the sample.",
  fields: [
    ...SAMPLE_SUBMISSION_FIELDS,
    vitrineField(
      "request_id",
      "required",
      "string",
      "The store's own id of the request that kept the sample.",
      { nullable: "The store answered without a request id." },
    ),
    vitrineField(
      "blob_uri",
      "required",
      "string",
      "Where the sample was put, with its signature and every other credential replaced by REDACTED.",
    ),
  ],
});
