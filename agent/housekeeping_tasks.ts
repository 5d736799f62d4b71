/**
 * The agent's tasks besides its collectors: following the policy, sending,
 * submitting samples, heartbeats, publishing its status, giving freed
 * memory back, and holding the database to its age and size limits. Each
 * is a scheduler task; none waits on the network.
 *
 * @module
 */
import type { SignedHead } from "../store/sent_log_queries.ts";
import { toHex } from "../store/merkle_tree.ts";
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Policy } from "../policy/policy.ts";
import { sendingTo } from "../policy/tiers.ts";
import type { Store } from "../store/open_store.ts";
import { outboxDepth } from "../store/outbox_queries.ts";
import { releaseFreePages } from "../store/quota_queries.ts";
import { deleteEventsBefore } from "../store/retention_queries.ts";
import { deleteSettledSamplesBefore } from "../store/sample_queries.ts";
import { isDiskFull } from "../store/store_error.ts";
import type { Uplink } from "../uplink/uplink.ts";
import type { SampleSubmitter } from "../samples/sample_submitter.ts";
import { loadStats } from "../uplink/uplink_status.ts";
import type { TaskOptions } from "./scheduler.ts";
import { keepStorage } from "./storage_keeper.ts";
import { trimCHeap } from "../ffi/trim_c_heap.ts";

/** How often the agent publishes its status. */
const STATUS_MS = 30_000;
/** How often old events are removed. */
const RETENTION_MS = 60 * 60 * 1000;
/** How often queued events are looked for and sent while sending is on. */
const UPLINK_MS = 1000;
/** How often the uplink looks while sending is off: it has nothing to do but notice. */
const UPLINK_IDLE_MS = 60 * 1000;
/** How often the database's size is held to its limit (and free pages given back). */
const SIZE_CHECK_MS = 60 * 1000;
/** How often samples waiting to be submitted (or to expire) are looked at. */
const SAMPLES_MS = 5000;
/** How often the C heap's free pages are given back (a fraction of a millisecond each time). */
const TRIM_MS = 30 * 1000;

/** What the tasks work on. */
export interface HousekeepingDeps {
  store: Store;
  uplink: Uplink;
  samples: SampleSubmitter;
  policy: () => Policy;
  /** How often the managed file and preferences are re-read, in ms. */
  policyPollMs: number;
  reloadPolicy: () => Promise<void>;
  publishStatus: () => Promise<void>;
  /** Signs the log of what left as it stands (for the heartbeat). */
  signTreeHead: () => Promise<SignedHead>;
  logPublicKey: string;
  record: (events: readonly RawEvent[]) => Promise<number>;
}

/** How often the uplink task runs under `policy`: each second while sending, else rarely. */
export function uplinkMs(policy: Policy): number {
  return sendingTo(policy) === null ? UPLINK_IDLE_MS : UPLINK_MS;
}

/** The heartbeat's interval under `policy`, in ms. */
export function heartbeatMs(policy: Policy): number {
  return policy.get("cloudService.heartbeatInterval") * 1000;
}

/** A heartbeat: this run's uptime, what waits to be sent, the last delivery, the level. */
async function heartbeat(deps: HousekeepingDeps, startedAt: number): Promise<void> {
  const policy = deps.policy();
  if (sendingTo(policy) === null) return;
  const depth = await outboxDepth(deps.store.db);
  const head = await deps.signTreeHead();
  const { lastSuccessAt } = await loadStats(deps.store.db);
  await deps.record([{
    type: "heartbeat",
    fields: {
      uptime: Math.round((Date.now() - startedAt) / 100) / 10,
      outbox_required: depth.required,
      outbox_optional: depth.optional,
      last_delivery_at: lastSuccessAt,
      level: policy.level,
      log_tree_size: head.treeSize,
      log_root_hash: toHex(head.rootHash),
      log_tree_time: head.timestamp,
      log_signature: toHex(head.signature),
      log_public_key: deps.logPublicKey,
    },
  }]);
}

/** The tasks, to add to the agent's scheduler. */
export function housekeepingTasks(deps: HousekeepingDeps): TaskOptions[] {
  const startedAt = Date.now();
  return [
    {
      name: "heartbeat",
      intervalMs: heartbeatMs(deps.policy()),
      run: () => heartbeat(deps, startedAt),
    },
    {
      name: "policy",
      intervalMs: deps.policyPollMs,
      run: deps.reloadPolicy,
      backoff: () => false,
    },
    {
      name: "uplink",
      intervalMs: uplinkMs(deps.policy()),
      immediate: true,
      // Starts sending and returns at once.
      run: () => Promise.resolve(deps.uplink.pump()),
    },
    {
      name: "sample_submission",
      intervalMs: SAMPLES_MS,
      // Each attempt is bounded by cloudService.timeout; a run sends a few samples at most.
      timeoutMs: 10 * 60 * 1000,
      run: async () => {
        // Samples leave under the policy as it is now, not as last polled.
        if (await deps.samples.hasDue()) await deps.reloadPolicy();
        await deps.samples.run(deps.policy());
      },
    },
    { name: "status", intervalMs: STATUS_MS, immediate: true, run: deps.publishStatus },
    {
      // What a burst of work (exports, a busy dashboard) freed goes back to
      // the system instead of staying with the agent.
      name: "memory",
      intervalMs: TRIM_MS,
      run: () => {
        trimCHeap();
        return Promise.resolve();
      },
    },
    {
      name: "retention",
      intervalMs: RETENTION_MS,
      immediate: true,
      run: async () => {
        const cutoff = Date.now() - deps.policy().get("retention.maxAgeDays") * 86_400_000;
        await deleteEventsBefore(deps.store.db, cutoff);
        // What became of a sample is kept as long as its records.
        await deleteSettledSamplesBefore(deps.store.db, cutoff);
        await releaseFreePages(deps.store.db);
      },
    },
    {
      name: "size_limit",
      intervalMs: SIZE_CHECK_MS,
      immediate: true,
      run: () => keepStorage(deps.store.db, deps.policy(), deps.record),
      // A full disk is retried every minute, not after ever longer waits.
      backoff: (error) => !isDiskFull(error),
    },
  ];
}
