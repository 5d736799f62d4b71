/**
 * The `sample_decision` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";
import { SAMPLE_ID_FIELD } from "./_sample_fields.ts";

/** A later decision about a detected sample: a person's, or vitrine's. */
export const SAMPLE_DECISION_EVENT = defineVitrineEvent({
  type: "sample_decision",
  title: "Sample decision",
  description:
    "What became of a sample after its detection, other than its submission: a person approved or declined a held sample, it waited too long, the level in effect no longer allows it, or the file changed or went away before it could be sent.",
  category: "Privacy controls",
  producedBy:
    "`vitrine sample approve|decline`, the dashboard's Samples page, and the agent's sample submitter.",
  fields: [
    SAMPLE_ID_FIELD,
    vitrineField(
      "decision",
      "required",
      "string",
      "approve or decline (a person's consent), hold (the level now asks for consent), expire (waited longer than samples.consentExpiryDays), withdraw (the level now submits nothing), drop (the file changed or went away).",
      { values: ["approve", "decline", "hold", "expire", "withdraw", "drop"] },
    ),
    vitrineField(
      "actor",
      "required",
      "string",
      'Who decided: the name a person gave, or "vitrine" for the agent\'s own decisions.',
    ),
    vitrineField("reason", "required", "string", "Why, in words."),
  ],
});
