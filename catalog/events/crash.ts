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
    "The agent ended without a clean shutdown. The required part says that it happened, when and in which version, which is what keeping the agent working needs; the state it was in (the error, the collectors, memory, the level) is optional, as it may name paths or settings of this machine.",
  category: "Product and service performance",
  origin: "seed",
  platforms: BOTH,
  producedBy:
    "The agent at its next start: from the note a fatal error or a lost liveness left (written to disk before the process ended, or by the service's stop hook), or from the running marker an unclean exit left behind (kill -9, power loss).",
  fields: [
    vitrineField(
      "reason",
      "required",
      "string",
      "How the run ended: an exception nothing caught, a promise rejection nothing handled, a hang the liveness watchdog caught (the agent stopped telling systemd it made progress), or an exit that left no note (killed, power lost).",
      { values: ["uncaught_exception", "unhandled_rejection", "watchdog", "unclean_shutdown"] },
    ),
    vitrineField(
      "crashed_at",
      "required",
      "integer",
      "When the run ended (Unix epoch): the time of the fatal error, or the last time the run was known to be alive.",
      { unit: "milliseconds", nullable: "Not known." },
    ),
    vitrineField(
      "crashed_version",
      "required",
      "string",
      "The vitrine version that crashed (the record itself is made by the next start, which may run another version).",
      { nullable: "Not known (an unclean exit of an older version)." },
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
      "uptime",
      "optional",
      "number",
      "How long the run had been going when it ended.",
      { unit: "seconds", nullable: "Not known." },
    ),
    vitrineField(
      "error_name",
      "optional",
      "string",
      "The class of the fatal error, such as TypeError.",
      { nullable: "No error was caught (the process was killed or lost power)." },
    ),
    vitrineField(
      "error_message",
      "optional",
      "string",
      "The message of the fatal error.",
      { nullable: "No error was caught (the process was killed or lost power)." },
    ),
    vitrineField(
      "error_stack",
      "optional",
      "string",
      "Stack of the fatal error.",
      { nullable: "No error was caught, or the error carried no stack." },
    ),
    vitrineField(
      "collector_states",
      "optional",
      "object",
      "Each collector and task of the agent at the time: how often it ran, its consecutive failures and its last error.",
      { nullable: "No note was left, or the state could not be read." },
    ),
    vitrineField(
      "rss",
      "optional",
      "integer",
      "Resident memory of the agent at the time.",
      { unit: "bytes", nullable: "No note was left." },
    ),
    vitrineField(
      "heap_used",
      "optional",
      "integer",
      "JavaScript heap in use at the time.",
      { unit: "bytes", nullable: "No note was left." },
    ),
    vitrineField(
      "last_level",
      "optional",
      "string",
      "The diagnostic level the run was at.",
      { values: ["required", "optional"], nullable: "No note was left." },
    ),
    vitrineField(
      "managed_state",
      "optional",
      "string",
      "The state of the managed policy file at the time (absent, valid, invalid).",
      { nullable: "No note was left." },
    ),
  ],
});
