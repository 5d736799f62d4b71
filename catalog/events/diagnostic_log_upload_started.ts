/**
 * The `diagnostic_log_upload_started` event.
 *
 * @module
 */
import { BOTH, defineEvent, seedField } from "../_field_builders.ts";
import { UPLOAD_LINK_FIELDS } from "./_upload_fields.ts";

/** A support log bundle is about to be sent. */
export const DIAGNOSTIC_LOG_UPLOAD_STARTED_EVENT = defineEvent({
  type: "diagnostic_log_upload_started",
  title: "Diagnostic log upload started",
  description:
    "A support log bundle, gathered with consent and cut to the level in effect, is about to be sent to a pre-signed upload address.",
  category: "Product and service usage",
  origin: "seed",
  platforms: BOTH,
  producedBy:
    "`vitrine support upload --url URL`, only with consent for support logs, just before the first byte is sent.",
  fields: [
    ...UPLOAD_LINK_FIELDS,
    seedField(
      "sha256",
      "optional",
      "string",
      "SHA-256 digest, in hex, of the exact bytes being sent.",
    ),
    seedField("size", "optional", "integer", "Size of the bytes being sent.", {
      unit: "bytes",
    }),
    seedField(
      "original_path",
      "optional",
      "string",
      "The bundle file being sent, always under the data directory's support folder.",
    ),
    seedField("format", "optional", "string", "Container format of the bundle.", {
      values: ["json.gz"],
    }),
  ],
});
