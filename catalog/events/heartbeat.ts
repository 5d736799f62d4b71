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
    vitrineField(
      "log_tree_size",
      "required",
      "integer",
      "How many records the log of what left held when it was signed: the records of every batch a backend accepted, each once.",
      { unit: "count" },
    ),
    vitrineField(
      "log_root_hash",
      "required",
      "string",
      "The root of that log's Merkle tree (RFC 9162, SHA-256), in hex: it commits to every record in it.",
    ),
    vitrineField(
      "log_tree_time",
      "required",
      "integer",
      "When the tree head was signed (Unix epoch).",
      { unit: "milliseconds" },
    ),
    vitrineField(
      "log_signature",
      "required",
      "string",
      "The machine's Ed25519 signature of the tree head (RFC 9162 TreeHeadDataV2), in hex.",
    ),
    vitrineField(
      "log_public_key",
      "required",
      "string",
      "The machine's Ed25519 public key that signs the log, in hex (32 bytes).",
    ),
  ],
});
