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
import { uplinkHealth } from "../uplink/uplink_status.ts";
import type { AgentStatus } from "./agent_status.ts";
import { SHED_STAGES } from "./resource_watchdog.ts";
import { storageLimitBytes } from "./storage_keeper.ts";

/** The agent's state in the Prometheus text format; `status` is the running agent's. */
export async function exposeAgentState(
  db: Kysely<Database>,
  policy: Policy,
  status: AgentStatus | undefined,
): Promise<string> {
  const { Counter, Gauge, Registry } = await import("prom-client");
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry] });

  gauge("vitrine_build_info", "The running vitrine's version (always 1).", ["version"])
    .set({ version: APP_VERSION }, 1);
  gauge("vitrine_policy_info", "The level and the managed file's state (always 1).", [
    "level",
    "managed_state",
  ]).set({ level: policy.level, managed_state: policy.managedState }, 1);
  gauge(
    "vitrine_managed_policy_invalid",
    "1 while the managed file is invalid (the agent fails closed to the required tier).",
  ).set(policy.managedState === "invalid" ? 1 : 0);

  const uplink = await uplinkHealth(db, policy);
  gauge("vitrine_sending_enabled", "1 while the policy sends events somewhere.")
    .set(uplink.sending ? 1 : 0);
  const depth = gauge("vitrine_outbox_parts", "Event parts waiting to be sent.", ["tier"]);
  for (const tier of TIERS) depth.set({ tier }, uplink.depth[tier]);
  if (uplink.lastSuccessAt !== null) {
    gauge(
      "vitrine_last_delivery_timestamp_seconds",
      "When the endpoint last accepted a batch.",
    ).set(uplink.lastSuccessAt / 1000);
  }
  const lastFailure = uplink.lastError ?? uplink.resolvedError;
  if (lastFailure !== null) {
    gauge("vitrine_last_send_error_timestamp_seconds", "When sending last failed.")
      .set(lastFailure.at / 1000);
  }
  counter("vitrine_delivered_parts_total", "Event parts the endpoint accepted.")
    .inc(uplink.flow.delivered);
  counter(
    "vitrine_dead_lettered_parts_total",
    "Event parts a receiver refused for good (4xx, redirects).",
  ).inc(uplink.deadLettered);
  const unsent = counter("vitrine_unsent_parts_total", "Event parts that went unsent, by why.", [
    "tier",
    "reason",
  ]);
  for (const tier of TIERS) {
    unsent.inc({ tier, reason: "dropped" }, uplink.dropped[tier]);
    unsent.inc({ tier, reason: "withdrawn" }, uplink.withdrawn[tier]);
    unsent.inc({ tier, reason: "deleted_with_data" }, uplink.deletedWithData[tier]);
  }

  gauge("vitrine_storage_used_bytes", "Bytes the database's data takes.").set(await usedBytes(db));
  gauge("vitrine_storage_limit_bytes", "The database's size limit (retention.maxSizeMB).")
    .set(storageLimitBytes(policy));

  const samples = gauge("vitrine_samples", "Samples ClamAV detected, by state.", ["state"]);
  const counts = await countSamples(db);
  for (const state of SAMPLE_STATES) samples.set({ state }, counts[state] ?? 0);
  const doubts = await detectionDoubts(db);
  counter(
    "vitrine_detection_lines_malformed_total",
    "Lines of the detection log shaped like a detection that no ClamAV writes (control characters in the path, no signature name); nothing of them is kept.",
  ).inc(doubts.malformed);
  const unconfirmed = counter(
    "vitrine_sample_detections_unconfirmed_total",
    "Detections the log claimed that ClamAV did not confirm on the bytes vitrine read, by cause; nothing of the file is kept or sent.",
    ["cause"],
  );
  for (const [cause, n] of Object.entries(doubts.unconfirmed)) unconfirmed.inc({ cause }, n);

  if (status) {
    if (status.watchdog) {
      gauge(
        "vitrine_watchdog_stage",
        "What the resource watchdog sheds: 0 nothing, 1 longer intervals, 2 optional collection, 3 file-activity reading.",
      ).set(SHED_STAGES.indexOf(status.watchdog.stage));
    }
  }
  return await registry.metrics();
}
