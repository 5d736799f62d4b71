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
  description:
    "The outcome of an update of the security intelligence, which on Linux endpoints is ClamAV's signature databases: a new daily database version, or a failed update that freshclam logged.",
  category: "Product and service usage",
  origin: "seed",
  platforms: LINUX,
  producedBy:
    "The security intelligence collector: when the daily database's version changes (also across a restart), and for each failed update in freshclam's log written since the last look.",
  fields: [
    seedField("from_version", "required", "string", "Daily database version before the update.", {
      nullable: "No daily database was installed before.",
      platforms: LINUX,
    }),
    seedField(
      "to_version",
      "required",
      "string",
      "Daily database version the update installed, or aimed for when it failed.",
      {
        nullable: "A failed update whose log did not name the version it aimed for.",
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
      "Whether freshclam's configuration sends downloads through a proxy (HTTPProxyServer).",
      { platforms: LINUX },
    ),
    seedField(
      "error",
      "required",
      "integer",
      "Numeric error of a failed update, as freshclam's exit codes number it (52: connection, 54: verification, 56: configuration, 58: download…).",
      {
        nullable: "The update succeeded, or the log named no error vitrine can number.",
        platforms: LINUX,
      },
    ),
    seedField("reason", "required", "string", "Why it failed, in freshclam's words.", {
      nullable: "The update succeeded.",
      platforms: LINUX,
    }),
  ],
});
