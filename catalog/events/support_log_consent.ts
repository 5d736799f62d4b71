/**
 * The `support_log_consent` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";

/** Consent to gather support logs, given or withdrawn. */
export const SUPPORT_LOG_CONSENT_EVENT = defineVitrineEvent({
  type: "support_log_consent",
  title: "Support log consent",
  description: "Consent to gather support logs was given or withdrawn.",
  category: "Privacy controls",
  producedBy: "`vitrine consent grant|revoke` and the dashboard's privacy page.",
  fields: [
    vitrineField("granted", "required", "boolean", "True when consent was given."),
    vitrineField(
      "actor",
      "required",
      "string",
      "Who gave or withdrew it, as they named themselves.",
    ),
    vitrineField("purpose", "required", "string", "What the consent covers."),
    vitrineField(
      "bundles_deleted",
      "required",
      "integer",
      "Support bundles deleted because consent was withdrawn: whatever was gathered under it goes.",
      { unit: "count", nullable: "Consent was given, so nothing was deleted." },
    ),
  ],
});
