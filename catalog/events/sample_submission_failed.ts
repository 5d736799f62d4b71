/**
 * The `sample_submission_failed` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";
import { SAMPLE_SUBMISSION_FIELDS } from "./_sample_fields.ts";

/** An attempt to submit a sample did not complete. */
export const SAMPLE_SUBMISSION_FAILED_EVENT = defineVitrineEvent({
  type: "sample_submission_failed",
  title: "Sample submission failed",
  description:
    "An attempt to send a sample did not complete: the store refused it, did not answer, or could not be reached. It is tried again later, a few times, then given up.",
  category: "Privacy controls",
  producedBy: "The agent's sample submitter, when an attempt it started fails.",
  fields: [
    ...SAMPLE_SUBMISSION_FIELDS,
    vitrineField(
      "error",
      "required",
      "string",
      "What went wrong, in words, with any signature redacted.",
    ),
    vitrineField("status", "required", "integer", "The HTTP status of the refusal.", {
      nullable: "No answer came (unreachable, TLS failure, timeout).",
    }),
    vitrineField(
      "retry_at",
      "required",
      "integer",
      "When the next attempt is due (Unix epoch milliseconds).",
      { nullable: "No further attempt: the sample is given up." },
    ),
  ],
});
