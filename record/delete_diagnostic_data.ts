/**
 * Deletes this machine's diagnostic data at a person's request: the one
 * path `vitrine data delete` and the dashboard share. In one transaction
 * every stored event, what waits to be sent, held and waiting samples go
 * and the diagnostic_data_deletion record is stored (with a notice that
 * keeps it until the backend has it); the files they leave behind (sample
 * copies, support bundles) are removed right after, or at the next start
 * after a crash. Deleted pages are zeroed (secure_delete) and moved out of
 * the write-ahead log.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Identity } from "../identity/identity.ts";
import { actorName } from "../policy/actor_name.ts";
import type { Policy } from "../policy/policy.ts";
import {
  clearPendingDeletionFiles,
  deleteAllData,
  type DeletedData,
  keepDeletionNotice,
  pendingDeletionFiles,
} from "../store/delete_all_data.ts";
import { insertEventsIn } from "../store/insert_events.ts";
import { checkpoint } from "../store/quota_queries.ts";
import type { Database } from "../store/schema.ts";
import { memoOf } from "../store/shape_memo.ts";
import { eventRows } from "./record_events.ts";

/** Why a deletion was refused. */
export type DeletionRefusal = "disabled" | "fail_closed" | "actor";

/** The outcome: what went (the record's fields), or why nothing did. */
export type DeletionResult =
  | { ok: true; record: Record<string, number | string | null>; pendingFiles: number }
  | { ok: false; reason: DeletionRefusal; message: string };

/** Whether `policy` lets a person delete, and if not, who decided, in words. */
export function deletionAllowed(
  policy: Policy,
): { ok: true } | { ok: false; reason: DeletionRefusal; message: string } {
  if (policy.managedState === "invalid") {
    return {
      ok: false,
      reason: "fail_closed",
      message:
        `Deleting diagnostic data waits until the managed file "${policy.managedFile}" can be read: it may turn deletion off (privacy.allowDataDeletion)`,
    };
  }
  if (policy.get("privacy.allowDataDeletion")) return { ok: true };
  const managed = policy.source("privacy.allowDataDeletion") === "managed";
  return {
    ok: false,
    reason: "disabled",
    message: managed
      ? `Deleting diagnostic data is turned off by the administrator in "${policy.managedFile}" (privacy.allowDataDeletion is false)`
      : "Deleting diagnostic data is turned off by a local preference (vitrine config unset privacy.allowDataDeletion turns it back on)",
  };
}

/** Removes `files` (already gone is fine); how many were there. */
async function removeFiles(files: readonly string[]): Promise<number> {
  let removed = 0;
  for (const file of files) {
    try {
      await Deno.remove(file);
      removed++;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return removed;
}

/** Finishes the file removal of a deletion that was committed before a crash. */
export async function finishPendingDeletion(db: Kysely<Database>): Promise<number> {
  const files = await pendingDeletionFiles(db);
  if (files.length === 0) return 0;
  const removed = await removeFiles(files);
  await clearPendingDeletionFiles(db);
  return removed;
}

/**
 * Deletes every stored event of this machine and what it left on the disk
 * (`bundles`: the support bundles gathered, listed by whoever wires it),
 * keeping only the record of the deletion, asked for by `actor`.
 */
export async function deleteDiagnosticData(
  db: Kysely<Database>,
  identity: Identity,
  policy: Policy,
  request: {
    actor: string;
    bundles: () => Promise<string[]>;
    /** Told after each step of the deletion (the agent's liveness counts it as work done). */
    progress?: () => void;
  },
): Promise<DeletionResult> {
  const allowed = deletionAllowed(policy);
  if (!allowed.ok) return allowed;
  const named = actorName(request.actor);
  if (!named.ok) return { ok: false, reason: "actor", message: named.message };
  const bundles = await request.bundles();
  const requestedAt = Date.now();
  const record = await db.transaction().execute(async (trx) => {
    const deleted = await deleteAllData(trx, db, requestedAt, bundles, request.progress);
    const fields = recordOf(
      named.actor,
      requestedAt,
      deleted,
      bundles.filter((path) => !path.endsWith(".partial")).length,
    );
    const rows = await eventRows(trx, identity, policy, [{
      type: "diagnostic_data_deletion",
      time: requestedAt,
      fields,
    }]);
    // Kept for the backend whatever the policy says of sending now: it
    // waits for the next time sending is on.
    const [id] = await insertEventsIn(trx, memoOf(trx), rows);
    await keepDeletionNotice(trx, id!, requestedAt);
    return fields;
  });
  // The files go right after the commit; a crash before that is finished at the next start.
  await finishPendingDeletion(db);
  // Deleted pages were zeroed as they were freed (secure_delete); moving
  // them out of the log leaves no copy of what was there. Giving the free
  // pages back to the disk is the storage task's, in steps, later.
  await checkpoint(db);
  return { ok: true, record, pendingFiles: (await pendingDeletionFiles(db)).length };
}

function recordOf(
  actor: string,
  requestedAt: number,
  deleted: DeletedData,
  bundles: number,
): Record<string, number | string | null> {
  return {
    actor,
    requested_at: requestedAt,
    deleted_required: deleted.parts.required,
    deleted_optional: deleted.parts.optional,
    withdrawn_required: deleted.withdrawn.required,
    withdrawn_optional: deleted.withdrawn.optional,
    samples_deleted: deleted.samples,
    bundles_deleted: bundles,
    data_from: deleted.from,
    data_to: deleted.to,
  };
}
