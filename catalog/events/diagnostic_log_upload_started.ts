/**
 * The `diagnostic_log_upload_started` event.
 *
 * @module
 */
import { BOTH, defineEvent, seedField } from "../_field_builders.ts";

/** A support log bundle was gathered and its upload began. */
export const DIAGNOSTIC_LOG_UPLOAD_STARTED_EVENT = defineEvent({
  type: "diagnostic_log_upload_started",
  title: "Diagnostic log upload started",
  description: "A support log bundle was gathered, with consent, and its upload began.",
  category: "Product and service usage",
  origin: "seed",
  platforms: BOTH,
  producedBy: "`vitrine support collect`, only after consent for support logs was recorded.",
  fields: [
    seedField(
      "sha256",
      "optional",
      "string",
      "SHA-256 digest of the bundle, in hex.",
    ),
    seedField("size", "optional", "integer", "Size of the bundle.", {
      unit: "bytes",
    }),
    seedField(
      "original_path",
      "optional",
      "string",
      "Where the bundle was written, always under the data directory's support folder.",
    ),
    seedField("format", "optional", "string", "Container format of the bundle.", {
      values: ["json.gz"],
    }),
  ],
});
