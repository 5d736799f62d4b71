/**
 * The `heartbeat` event.
 *
 * @module
 */
import { defineVitrineEvent, vitrineField } from "../_field_builders.ts";

/** A sign of life sent while sending is on, so that a silent machine means something. */
export const HEARTBEAT_EVENT = defineVitrineEvent({
  type: "heartbeat",
  title: "Heartbeat",
  description:
    "The agent is alive and sending: recorded and sent every cloudService.heartbeatInterval while sending is on, so that a backend can tell a quiet machine from one that stopped. Like every event it is stored here first, so what leaves stays visible on the machine.",
  category: "Product and service performance",
  producedBy: "The agent, every cloudService.heartbeatInterval while sending is on.",
  fields: [
    vitrineField("uptime", "required", "number", "How long this run of the agent has lasted.", {
      unit: "seconds",
    }),
    vitrineField(
      "outbox_required",
      "required",
      "integer",
      "Required event parts waiting to be sent when the heartbeat was recorded.",
      { unit: "count" },
    ),
    vitrineField(
      "outbox_optional",
      "required",
      "integer",
      "Optional event parts waiting to be sent when the heartbeat was recorded.",
      { unit: "count" },
    ),
    vitrineField(
      "last_delivery_at",
      "required",
      "integer",
      "When a batch was last accepted by the endpoint (Unix epoch).",
      { unit: "milliseconds", nullable: "Nothing was ever delivered from this installation." },
    ),
    vitrineField("level", "required", "string", "The diagnostic level in effect.", {
      values: ["required", "optional"],
    }),
  ],
});
