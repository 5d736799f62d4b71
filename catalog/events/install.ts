/**
 * The `install` event.
 *
 * @module
 */
import { BOTH, defineEvent, seedField } from "../_field_builders.ts";

/** Installation, upgrade and removal of the agent. */
export const INSTALL_EVENT = defineEvent({
  type: "install",
  title: "Installation and uninstallation",
  description: "Records that this installation of the agent was set up, upgraded or removed.",
  category: "Software setup and inventory",
  origin: "seed",
  platforms: BOTH,
  producedBy:
    "The agent, when it creates a new data directory (code `install`) or first starts under a new version (code `upgrade`).",
  fields: [
    seedField(
      "correlation_id",
      "required",
      "string",
      "Identifier tying together the records of one installation run.",
    ),
    seedField(
      "version",
      "required",
      "string",
      "Version of the package being installed or removed.",
    ),
    seedField("severity", "required", "string", "How serious the message is.", {
      values: ["Informational", "Warning", "Error"],
    }),
    seedField("code", "required", "string", "Which operation took place.", {
      values: ["install", "upgrade", "reinstall", "uninstall"],
    }),
    seedField(
      "text",
      "required",
      "string",
      "Free text about the operation, written by the agent.",
    ),
  ],
});
