/**
 * The `sample_detection` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";
import { SAMPLE_DECISIONS, SAMPLE_ID_FIELD } from "./_sample_fields.ts";

/** ClamAV flagged a file, and what sample submission decided for it. */
export const SAMPLE_DETECTION_EVENT = defineVitrineEvent({
  type: "sample_detection",
  title: "Sample detection",
  description:
    "ClamAV logged that a signature matched a file. vitrine read the file, recognised its type from its content, and decided under the sample-submission level whether it may be submitted, must wait for a person's consent, or stays on this machine.",
  category: "Privacy controls",
  producedBy:
    "The sample collector, for each detection line of the log samples.detectionLog names.",
  fields: [
    SAMPLE_ID_FIELD,
    vitrineField("signature", "required", "string", "The name of the signature ClamAV matched."),
    vitrineField(
      "sha256",
      "required",
      "string",
      "SHA-256 digest, in hex, of the file as vitrine read it right after the detection.",
      {
        nullable: "The file could not be read (gone, not a regular file, reached through a link).",
      },
    ),
    vitrineField("size", "required", "integer", "The file's size.", {
      unit: "bytes",
      nullable: "The file could not be read.",
    }),
    vitrineField(
      "file_type",
      "required",
      "string",
      'What the file\'s content was recognised as ("ELF executable", "PDF document", "plain text"), never its name.',
      { nullable: "The file could not be read." },
    ),
    vitrineField(
      "decision",
      "required",
      "string",
      "submit: it goes to the sample store; hold: it waits for a person's consent; keep: it never leaves this machine; defer: the managed policy cannot be read now, so the decision waits until it can (nothing is submitted meanwhile).",
      { values: SAMPLE_DECISIONS },
    ),
    vitrineField(
      "reason",
      "required",
      "string",
      "Why, in words: the level in effect and what the content check found (kinds of personal data and how many, never the data).",
    ),
    vitrineField("path", "optional", "string", "Where the file was, as ClamAV logged it."),
  ],
});
