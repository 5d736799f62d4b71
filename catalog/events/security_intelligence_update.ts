/**
 * The `security_intelligence_update` event.
 *
 * @module
 */
import { defineEvent, LINUX, seedField } from "../_field_builders.ts";

/** The outcome of a security intelligence update. */
export const SECURITY_INTELLIGENCE_UPDATE_EVENT = defineEvent({
  type: "security_intelligence_update",
  title: "Security intelligence update report",
  description: "The outcome of one attempt to update the security intelligence.",
  category: "Product and service usage",
  origin: "seed",
  platforms: LINUX,
  producedBy:
    "Never by vitrine itself, which ships no security intelligence; the type is catalogued so such reports can be validated and audited.",
  fields: [
    seedField("from_version", "required", "string", "Version before the update.", {
      nullable: "Nothing was installed before.",
      platforms: LINUX,
    }),
    seedField(
      "to_version",
      "required",
      "string",
      "Version the update aimed for.",
      {
        platforms: LINUX,
      },
    ),
    seedField("status", "required", "string", "Whether the update worked.", {
      values: ["success", "failure"],
      platforms: LINUX,
    }),
    seedField(
      "using_proxy",
      "required",
      "boolean",
      "Whether the download went through a proxy.",
      { platforms: LINUX },
    ),
    seedField("error", "required", "integer", "Numeric error when it failed.", {
      nullable: "The update succeeded.",
      platforms: LINUX,
    }),
    seedField("reason", "required", "string", "Why it failed, in words.", {
      nullable: "The update succeeded.",
      platforms: LINUX,
    }),
  ],
});
