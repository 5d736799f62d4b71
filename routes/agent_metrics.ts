/**
 * The agent's own state as Prometheus metrics, beside the statistics on
 * /metrics: what a fleet's alerts need (is it sending, does its outbox
 * grow, is its policy valid, is its storage near the limit, does its
 * watchdog shed work, do samples wait for consent). These describe vitrine, not the machine, and are
 * the same at every level. Kernel queue overflows and the agent's own
 * memory are catalogue statistics, served with the others.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { TIERS } from "../catalog/types.ts";
import { APP_VERSION } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { usedBytes } from "../store/quota_queries.ts";
import { countSamples, SAMPLE_STATES } from "../store/sample_queries.ts";
import { detectionDoubts } from "../samples/sample_collector.ts";
import type { Database } from "../store/schema.ts";
import { uplinkHealth, type UplinkStatus } from "../uplink/uplink_status.ts";
import { type MetricKind, PrometheusText } from "./prometheus_text.ts";
import type { AgentStatus } from "../agent/agent_status.ts";
import { SHED_STAGES } from "../agent/resource_watchdog.ts";
import { storageLimitBytes } from "../agent/storage_keeper.ts";

/** The agent's state in the Prometheus text format; `status` is the running agent's. */
export async function exposeAgentState(
  db: Kysely<Database>,
  policy: Policy,
  status: AgentStatus | undefined,
): Promise<string> {
  const out = new PrometheusText();
  const one = (name: string, kind: MetricKind, help: string, value: number, labels = {}) =>
    out.add(name, kind, help, { labels, value });
  one("vitrine_build_info", "gauge", "The running vitrine's version (always 1).", 1, {
    version: APP_VERSION,
  });
  one("vitrine_policy_info", "gauge", "The level and the managed file's state (always 1).", 1, {
    level: policy.level,
    managed_state: policy.managedState,
  });
  one(
    "vitrine_managed_policy_invalid",
    "gauge",
    "1 while the managed file is invalid (the agent fails closed to the required tier).",
    policy.managedState === "invalid" ? 1 : 0,
  );
  exposeSending(await uplinkHealth(db, policy), one);
  one(
    "vitrine_storage_used_bytes",
    "gauge",
    "Bytes the database's data takes.",
    await usedBytes(db),
  );
  one(
    "vitrine_storage_limit_bytes",
    "gauge",
    "The database's size limit (retention.maxSizeMB).",
    storageLimitBytes(policy),
  );
  await exposeSamples(db, one);
  if (status) {
    one(
      "vitrine_file_activity_sensor_info",
      "gauge",
      "How file activity is counted now: ebpf, fanotify, inotify, unavailable or stopped (always 1).",
      1,
      { sensor: status.subsystem.subsystem },
    );
  }
  if (status?.watchdog) {
    one(
      "vitrine_watchdog_stage",
      "gauge",
      "What the resource watchdog sheds: 0 nothing, 1 longer intervals, 2 optional collection, 3 file-activity reading.",
      SHED_STAGES.indexOf(status.watchdog.stage),
    );
  }
  return out.text();
}

/** Adds one sample of a family. */
type One = (
  name: string,
  kind: MetricKind,
  help: string,
  value: number,
  labels?: Record<string, string>,
) => void;

/** Sending: on or off, what waits, the last delivery and failure, and where parts went. */
function exposeSending(uplink: UplinkStatus, one: One): void {
  one(
    "vitrine_sending_enabled",
    "gauge",
    "1 while the policy sends events somewhere.",
    uplink.sending ? 1 : 0,
  );
  for (const tier of TIERS) {
    one("vitrine_outbox_parts", "gauge", "Event parts waiting to be sent.", uplink.depth[tier], {
      tier,
    });
  }
  if (uplink.lastSuccessAt !== null) {
    one(
      "vitrine_last_delivery_timestamp_seconds",
      "gauge",
      "When the endpoint last accepted a batch.",
      uplink.lastSuccessAt / 1000,
    );
  }
  const lastFailure = uplink.lastError ?? uplink.resolvedError;
  if (lastFailure !== null) {
    one(
      "vitrine_last_send_error_timestamp_seconds",
      "gauge",
      "When sending last failed.",
      lastFailure.at / 1000,
    );
  }
  one(
    "vitrine_delivered_parts_total",
    "counter",
    "Event parts the endpoint accepted.",
    uplink.flow.delivered,
  );
  one(
    "vitrine_dead_lettered_parts_total",
    "counter",
    "Event parts a receiver refused for good (answers OTLP does not retry, redirects).",
    uplink.deadLettered,
  );
  const unsent = "Event parts that went unsent, by why.";
  for (const tier of TIERS) {
    for (
      const [reason, counts] of [
        ["dropped", uplink.dropped],
        ["withdrawn", uplink.withdrawn],
        ["deleted_with_data", uplink.deletedWithData],
      ] as const
    ) {
      one("vitrine_unsent_parts_total", "counter", unsent, counts[tier], { tier, reason });
    }
  }
}

/** Samples by state, and the detection claims that were not believed. */
async function exposeSamples(db: Kysely<Database>, one: One): Promise<void> {
  const counts = await countSamples(db);
  for (const state of SAMPLE_STATES) {
    one("vitrine_samples", "gauge", "Samples ClamAV detected, by state.", counts[state] ?? 0, {
      state,
    });
  }
  const doubts = await detectionDoubts(db);
  one(
    "vitrine_detection_lines_malformed_total",
    "counter",
    "Lines of the detection log shaped like a detection that no ClamAV writes (control characters in the path, no signature name); nothing of them is kept.",
    doubts.malformed,
  );
  for (const [cause, n] of Object.entries(doubts.unconfirmed)) {
    one(
      "vitrine_sample_detections_unconfirmed_total",
      "counter",
      "Detections the log claimed that ClamAV did not confirm on the bytes vitrine read, by cause; nothing of the file is kept or sent.",
      n,
      { cause },
    );
  }
}
