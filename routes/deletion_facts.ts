/**
 * What the privacy page says about deleting this machine's data: how much
 * would go, whether a person may, and what became of the last deletion.
 *
 * @module
 */
import type { Policy } from "../policy/policy.ts";
import { deletionAllowed } from "../record/delete_diagnostic_data.ts";
import { countByTier } from "../store/count_queries.ts";
import { lastDeletionAt, waitingDeletionNotices } from "../store/delete_all_data.ts";
import { outboxDepth } from "../store/outbox_queries.ts";
import { countSamples } from "../store/sample_queries.ts";
import { supportBundleFiles } from "../support/collect_support_bundle.ts";
import type { AppDeps } from "./app_deps.ts";
import type { DeletionFacts } from "./pages/privacy_page.tsx";

/** The facts of the deletion card under `policy`. */
export async function deletionFacts(deps: AppDeps, policy: Policy): Promise<DeletionFacts> {
  const db = deps.store.db;
  const [counts, depth, samples, bundles, lastAt, notices] = await Promise.all([
    countByTier(db),
    outboxDepth(db),
    countSamples(db),
    supportBundleFiles(deps.dataDir),
    lastDeletionAt(db),
    waitingDeletionNotices(db),
  ]);
  const allowed = deletionAllowed(policy);
  return {
    records: counts.required + counts.optional,
    waiting: depth.required + depth.optional,
    samples: Object.entries(samples)
      .filter(([state]) => state !== "submitted")
      .reduce((sum, [, n]) => sum + (n ?? 0), 0),
    bundles: bundles.filter((path) => !path.endsWith(".partial")).length,
    refusal: allowed.ok ? null : allowed.message,
    lastAt,
    backendWaits: notices.count > 0,
  };
}
