/**
 * Fields every sample record carries, so that a detection, the decisions
 * about it and its submission can be matched, even at the required level.
 *
 * @module
 */
import { vitrineField } from "../_field_builders.ts";
import type { FieldSpec } from "../types.ts";

/** The decisions a sample can get when it is detected. */
export const SAMPLE_DECISIONS = ["submit", "hold", "keep", "defer", "unconfirmed"] as const;

/** The sample's id. */
export const SAMPLE_ID_FIELD: FieldSpec = vitrineField(
  "sample_id",
  "required",
  "string",
  "Random identifier of one detected sample, shared by its detection, the decisions about it and its submission records.",
);

/** The sample's id, digest and destination, for submission records. */
export const SAMPLE_SUBMISSION_FIELDS: readonly FieldSpec[] = [
  SAMPLE_ID_FIELD,
  vitrineField(
    "sha256",
    "required",
    "string",
    "SHA-256 digest, in hex, of the sample as it was detected; what is sent is checked against it first.",
  ),
  vitrineField(
    "destination_host",
    "required",
    "string",
    "Host name (and port) of the organisation's sample store; never the path, query or signature of the address.",
  ),
];
