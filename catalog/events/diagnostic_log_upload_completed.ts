/**
 * The `diagnostic_log_upload_completed` event.
 *
 * @module
 */
import { BOTH, defineEvent, seedField } from "../_field_builders.ts";

/** The upload of a support log bundle finished. */
export const DIAGNOSTIC_LOG_UPLOAD_COMPLETED_EVENT = defineEvent({
  type: "diagnostic_log_upload_completed",
  title: "Diagnostic log upload completed",
  description: "The upload of a support log bundle finished.",
  category: "Product and service usage",
  origin: "seed",
  platforms: BOTH,
  producedBy:
    "Never while vitrine has no upload destination: it keeps bundles local; the type is catalogued for auditing.",
  fields: [
    seedField(
      "request_id",
      "optional",
      "string",
      "Identifier linking this report to the upload request.",
    ),
    seedField(
      "sha256",
      "optional",
      "string",
      "SHA-256 digest of the uploaded bundle.",
    ),
    seedField(
      "blob_sas_uri",
      "optional",
      "string",
      "Address the bundle was uploaded to.",
    ),
  ],
});
