/**
 * Fields vitrine adds to every record of a support log upload, so that the
 * records of one upload can be matched and its destination is known even
 * at the required level (the seeds put every other upload field in the
 * optional tier).
 *
 * @module
 */
import { vitrineField } from "../_field_builders.ts";
import type { FieldSpec } from "../types.ts";

/** The upload id and destination host, both required. */
export const UPLOAD_LINK_FIELDS: readonly FieldSpec[] = [
  vitrineField(
    "upload_id",
    "required",
    "string",
    "Random identifier shared by the started record of an upload and its completed or failed record.",
  ),
  vitrineField(
    "destination_host",
    "required",
    "string",
    "Host name (and port) the bundle was sent to; never the path, query or signature of the address.",
  ),
];
