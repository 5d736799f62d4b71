/**
 * The `watchdog_action` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";

/** The resource watchdog shed work to stay within a budget, or gave it back. */
export const WATCHDOG_ACTION_EVENT = defineVitrineEvent({
  type: "watchdog_action",
  title: "Watchdog action",
  description:
    "The agent went over one of its own resource budgets (watchdog.maxCpuPercent, watchdog.maxRssMB) and did less to get back under it, or was back under for long enough to resume what it had shed. Required data is collected throughout, and nothing waiting to be sent is dropped.",
  category: "Product and service performance",
  producedBy: "The agent's resource watchdog, at each step it sheds or restores.",
  fields: [
    vitrineField("action", "required", "string", "Whether work was shed or restored.", {
      values: ["shed", "restore"],
    }),
    vitrineField(
      "budget",
      "required",
      "string",
      "The budget that was exceeded (for a shed), or the one the agent went over last (for a restore).",
      { values: ["cpu", "rss"] },
    ),
    vitrineField(
      "measured",
      "required",
      "number",
      "What the agent used over the watchdog's window: percent of one core for cpu, MiB for rss.",
    ),
    vitrineField("limit", "required", "number", "The budget in effect, in the same unit."),
    vitrineField(
      "stage",
      "required",
      "string",
      "What is shed after this step, from none to the most: longer collection intervals, then optional collection paused, then file-activity reading paused.",
      { values: ["none", "longer_intervals", "optional_paused", "file_activity_paused"] },
    ),
  ],
});
