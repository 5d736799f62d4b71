/**
 * The tables of the vitrine database, as Kysely sees them.
 *
 * @module
 */
import type { Generated } from "kysely";
import type { Tier } from "../catalog/types.ts";

/** Key/value facts about the installation (sense_guid, creation time...). */
export interface MetaTable {
  key: string;
  value: string;
}

/** A distinct set of common field values, shared by many events. */
export interface CommonSetTable {
  id: Generated<number>;
  /** Canonical JSON of the common fields. */
  fields: string;
}

/** One row per event: what and when, never the field values themselves. */
export interface EventTable {
  id: Generated<number>;
  type: string;
  /** Unix epoch milliseconds. */
  time: number;
  common_id: number;
}

/** The keys of a kind of part, stored once for every part that has them. */
export interface PartShapeTable {
  id: Generated<number>;
  /** Shapes belong to a tier: deleting a tier's data takes its key names too. */
  tier: Tier;
  /** JSON array of the keys, in canonical order. */
  keys: string;
}

/** The field values of one event at one tier; (event_id, tier) is unique. */
export interface EventPartTable {
  id: Generated<number>;
  tier: Tier;
  event_id: number;
  shape_id: number;
  /** The values in the shape's key order, each canonical JSON, one per line. */
  data: string;
}

/** Stored parts per event type and tier, kept by triggers. */
export interface PartCountTable {
  type: string;
  tier: Tier;
  count: number;
}

/** Local preferences set with `vitrine config set` or the dashboard. */
export interface PreferenceTable {
  key: string;
  /** JSON value. */
  value: string;
  updated_at: number;
}

/** Consent records for support logs. */
export interface ConsentTable {
  id: Generated<number>;
  purpose: string;
  granted: number;
  actor: string;
  time: number;
}

/** An event part waiting to be sent. */
export interface OutboxTable {
  event_id: number;
  tier: Tier;
  /** When it was queued (epoch ms). */
  queued_at: number;
}

/** One attempt to deliver a batch, whatever came of it. */
export interface DeliveryTable {
  id: Generated<number>;
  at: number;
  /** Host (and port) the batch went to. */
  endpoint: string;
  records: number;
  bytes: number;
  /** The HTTP status, or a word for what happened instead (network, timeout). */
  status: string;
  /** Attempts made for this batch so far, this one included. */
  attempts: number;
  /** Records the receiver reported it rejected (OTLP partial success). */
  rejected: number;
  error: string | null;
}

/** Queued parts per tier, kept by triggers. */
export interface OutboxCountTable {
  tier: Tier;
  n: number;
}

/** Why parts left the outbox unsent. */
export type OutboxLossReason = "bound" | "withdrawn" | "with_data" | "refused";

/** Parts that left the outbox unsent, by why and tier. */
export interface OutboxLossTable {
  reason: OutboxLossReason;
  tier: Tier;
  n: number;
}

/** Parts ever queued and ever delivered. */
export interface OutboxFlowTable {
  kind: "queued" | "delivered";
  n: number;
}

/** Which delivery carried an event part. */
export interface SentPartTable {
  event_id: number;
  tier: Tier;
  delivery_id: number;
}

/** What a detected sample is waiting for, or what became of it. */
export type SampleState =
  | "queued"
  | "held"
  | "approved"
  | "submitted"
  | "kept"
  | "declined"
  | "expired"
  | "withdrawn"
  | "dropped"
  | "failed";

/** A sample ClamAV detected: the agent's working state for its submission. */
export interface SampleTable {
  /** The sample_id of its records. */
  id: string;
  detected_at: number;
  signature: string;
  /** Null when the file could not be read at detection. */
  sha256: string | null;
  size: number | null;
  file_type: string | null;
  /** Where the file is; cleared once the sample will never be submitted (or was). */
  path: string | null;
  /**
   * The private copy of the bytes ClamAV confirmed, under the data directory:
   * what is submitted. Null once the sample will never leave.
   */
  copy: string | null;
  /** The decision at detection (defer: made once the managed policy can be read). */
  decision: "submit" | "hold" | "keep" | "defer";
  /** Kinds of personal data the content check found, in words ("" for none). */
  findings: string;
  /** Why the sample is in its state, in words. */
  reason: string;
  state: SampleState;
  /** Who approved or declined it (a person's name), when someone did. */
  decided_by: string | null;
  decided_at: number | null;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  /** Host of the sample store it was sent to. */
  destination: string | null;
  submitted_at: number | null;
  request_id: string | null;
}

/** A request to delete this machine's data whose record the backend has not received yet. */
export interface DeletionNoticeTable {
  /** The diagnostic_data_deletion event to deliver. */
  event_id: number;
  requested_at: number;
}

/** A record that left, as a leaf of the log of what left (RFC 9162). */
export interface SentLogLeafTable {
  /** Its place in the tree, from 0. */
  idx: number;
  event_id: number;
  leaf_hash: Uint8Array;
  delivery_id: number;
  sent_at: number;
}

/** The hash of a complete subtree of the log: leaves [idx * 2^level, (idx + 1) * 2^level). */
export interface SentLogNodeTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

/** A tree head the agent signed (RFC 9162 TreeHeadDataV2, Ed25519). */
export interface SentLogHeadTable {
  tree_size: number;
  root_hash: Uint8Array;
  timestamp: number;
  signature: Uint8Array;
}

/** The database as Kysely sees it. */
export interface Database {
  meta: MetaTable;
  common_set: CommonSetTable;
  event: EventTable;
  part_shape: PartShapeTable;
  event_part: EventPartTable;
  part_count: PartCountTable;
  preference: PreferenceTable;
  consent: ConsentTable;
  outbox: OutboxTable;
  outbox_count: OutboxCountTable;
  outbox_loss: OutboxLossTable;
  outbox_flow: OutboxFlowTable;
  delivery: DeliveryTable;
  sent_part: SentPartTable;
  sample: SampleTable;
  deletion_notice: DeletionNoticeTable;
  sent_log_leaf: SentLogLeafTable;
  sent_log_node: SentLogNodeTable;
  sent_log_head: SentLogHeadTable;
}
