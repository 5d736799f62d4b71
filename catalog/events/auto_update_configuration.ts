/**
 * The `auto_update_configuration` event.
 *
 * @module
 */
import { BOTH, defineEvent, seedField } from "../_field_builders.ts";

/** How the device looks for product updates. */
export const AUTO_UPDATE_CONFIGURATION_EVENT = defineEvent({
  type: "auto_update_configuration",
  title: "Auto-update configuration",
  description: "How the device is set to look for and fetch product updates.",
  category: "Software setup and inventory",
  origin: "seed",
  platforms: BOTH,
  producedBy: "The agent, together with every configuration snapshot.",
  fields: [
    seedField(
      "how_to_check",
      "optional",
      "string",
      "Whether updates are looked for automatically or only on request.",
      { values: ["automatic", "manual"] },
    ),
    seedField(
      "channel_name",
      "optional",
      "string",
      "Update channel the device follows.",
    ),
    seedField(
      "manifest_server",
      "optional",
      "string",
      "Server that lists available updates.",
      { nullable: "No update server is configured." },
    ),
    seedField(
      "update_cache",
      "optional",
      "string",
      "Local directory where downloaded updates are kept.",
    ),
  ],
});
