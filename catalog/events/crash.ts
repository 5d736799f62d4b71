/**
 * The `crash` event.
 *
 * @module
 */
import { BOTH, defineEvent, vitrineField } from "../_field_builders.ts";

/** An unexpected exit of the agent. */
export const CRASH_EVENT = defineEvent({
  type: "crash",
  title: "Unexpected agent exit",
  description:
    "The agent ended without a clean shutdown; recorded at the next start with what is known of the state it was in.",
  category: "Product and service performance",
  origin: "seed",
  platforms: BOTH,
  producedBy:
    "The agent at start, when the previous run left its running marker behind, or when it records a fatal error before exiting.",
  fields: [
    vitrineField(
      "reason",
      "optional",
      "string",
      "How the exit was detected.",
      { values: ["fatal_error", "unclean_shutdown"] },
    ),
    vitrineField(
      "started_at",
      "optional",
      "integer",
      "When the run that ended had started (Unix epoch).",
      { unit: "milliseconds", nullable: "Not known." },
    ),
    vitrineField(
      "last_seen_at",
      "optional",
      "integer",
      "The last time the run was known to be alive (Unix epoch).",
      { unit: "milliseconds", nullable: "Not known." },
    ),
    vitrineField(
      "error_message",
      "optional",
      "string",
      "The message of the fatal error.",
      {
        nullable: "No error was caught (for example the process was killed).",
      },
    ),
    vitrineField(
      "error_stack",
      "optional",
      "string",
      "Stack of the fatal error, inside the agent's own code.",
      { nullable: "No error was caught." },
    ),
  ],
});
