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
    "ClamAV's log claimed that a signature matched a file. vitrine read the file once, through no symbolic link, and had ClamAV scan those very bytes. When ClamAV found the signature, vitrine recognised the file's type from its content and decided under the sample-submission level whether it may be submitted, must wait for a person's consent, or stays on this machine; when it did not, the claim is recorded as unconfirmed and nothing of the file is kept.",
  category: "Privacy controls",
  producedBy:
    "The sample collector, for each detection line of the log samples.detectionLog names.",
  fields: [
    SAMPLE_ID_FIELD,
    vitrineField(
      "signature",
      "required",
      "string",
      "The name of the signature ClamAV found in the bytes vitrine read.",
      {
        nullable:
          "ClamAV did not confirm the detection: what the log claimed is not kept, since a log line is text anyone who names a file can write.",
      },
    ),
    vitrineField(
      "sha256",
      "required",
      "string",
      "SHA-256 digest, in hex, of the bytes ClamAV confirmed.",
      { nullable: "The detection was not confirmed: nothing of the file is kept." },
    ),
    vitrineField("size", "required", "integer", "The file's size.", {
      unit: "bytes",
      nullable: "The detection was not confirmed.",
    }),
    vitrineField(
      "file_type",
      "required",
      "string",
      'What the file\'s content was recognised as ("ELF executable", "PDF document", "plain text"), never its name.',
      { nullable: "The detection was not confirmed." },
    ),
    vitrineField(
      "decision",
      "required",
      "string",
      "submit: it goes to the sample store; hold: it waits for a person's consent; keep: it never leaves this machine; defer: the managed policy cannot be read now, so the decision waits until it can (nothing is submitted meanwhile); unconfirmed: ClamAV did not find the logged signature in the bytes vitrine read (or could not be asked, or the file could not be read safely), so nothing of it is kept or sent.",
      { values: SAMPLE_DECISIONS },
    ),
    vitrineField(
      "reason",
      "required",
      "string",
      "Why, in words: the level in effect and what the content check found (kinds of personal data and how many, never the data).",
    ),
    vitrineField("path", "optional", "string", "Where the file was, as ClamAV logged it.", {
      nullable: "The detection was not confirmed.",
    }),
  ],
});
