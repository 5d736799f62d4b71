/**
 * The `diagnostic_log_upload_failed` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";
import { UPLOAD_LINK_FIELDS } from "./_upload_fields.ts";

/** A support log upload did not complete. */
export const DIAGNOSTIC_LOG_UPLOAD_FAILED_EVENT = defineVitrineEvent({
  type: "diagnostic_log_upload_failed",
  title: "Diagnostic log upload failed",
  description:
    "A support log upload that was started did not complete: the service refused it, did not answer, or could not be reached. Nothing is reported as completed.",
  category: "Product and service usage",
  producedBy: "`vitrine support upload`, when the upload it started fails.",
  fields: [
    ...UPLOAD_LINK_FIELDS,
    vitrineField(
      "error",
      "required",
      "string",
      "What went wrong, in words: the status the service answered, or why no answer came.",
    ),
    vitrineField(
      "status",
      "required",
      "integer",
      "The HTTP status of the refusal, or null when no answer came.",
      { nullable: "No answer came (unreachable, TLS failure, timeout)." },
    ),
    vitrineField(
      "sha256",
      "optional",
      "string",
      "SHA-256 digest, in hex, of the bytes that were being sent.",
    ),
  ],
});
