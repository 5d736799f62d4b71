/**
 * The `diagnostic_log_upload_completed` event.
 *
 * @module
 */
import { BOTH, defineEvent, seedField } from "../_field_builders.ts";
import { UPLOAD_LINK_FIELDS } from "./_upload_fields.ts";

/** The service accepted a support log bundle. */
export const DIAGNOSTIC_LOG_UPLOAD_COMPLETED_EVENT = defineEvent({
  type: "diagnostic_log_upload_completed",
  title: "Diagnostic log upload completed",
  description:
    "The storage service accepted a support log bundle (it answered 2xx to the last request of the upload).",
  category: "Product and service usage",
  origin: "seed",
  platforms: BOTH,
  producedBy:
    "`vitrine support upload`, after the service accepted the bundle; a failure is recorded as diagnostic_log_upload_failed instead.",
  fields: [
    ...UPLOAD_LINK_FIELDS,
    seedField(
      "request_id",
      "optional",
      "string",
      "The service's own id of the request that stored the bundle (x-ms-request-id, x-amz-request-id or x-request-id), or null when it gave none.",
      { nullable: "The service answered without a request id." },
    ),
    seedField(
      "sha256",
      "optional",
      "string",
      "SHA-256 digest, in hex, of the bytes the service accepted.",
    ),
    seedField(
      "blob_sas_uri",
      "optional",
      "string",
      "The upload address with its signature and every other credential replaced by REDACTED: enough to find the blob, never to read or write it.",
    ),
  ],
});
