/**
 * Records a consent decision for support logs: the one path the CLI and
 * the dashboard share.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Identity } from "../identity/identity.ts";
import { actorName } from "../policy/actor_name.ts";
import type { Policy } from "../policy/policy.ts";
import { type Consent, insertConsent, SUPPORT_PURPOSE } from "../store/consent_queries.ts";
import type { Database } from "../store/schema.ts";
import { recordEvents } from "./record_events.ts";

/** The outcome: the consent recorded, or why it was not. */
export type ConsentResult =
  | { ok: true; consent: Consent; bundlesDeleted: number | null }
  | { ok: false; message: string };

/**
 * Records that `actor` granted or withdrew consent for support logs, with
 * its support_log_consent event. The actor must name themselves. A
 * withdrawal runs `deleteBundles`, which deletes every bundle gathered
 * under the consent it ends and says how many (the support room's work,
 * handed in by whoever wires it).
 */
export async function recordConsent(
  db: Kysely<Database>,
  identity: Identity,
  policy: Policy,
  decision: { granted: boolean; actor: string },
  deleteBundles: () => Promise<number>,
): Promise<ConsentResult> {
  const named = actorName(decision.actor);
  if (!named.ok) return named;
  const { actor } = named;
  const consent: Consent = {
    purpose: SUPPORT_PURPOSE,
    granted: decision.granted,
    actor,
    time: Date.now(),
  };
  await insertConsent(db, consent);
  // Withdrawn consent leaves nothing gathered under it behind.
  const deleted = consent.granted ? null : await deleteBundles();
  await recordEvents(db, identity, policy, [{
    type: "support_log_consent",
    fields: {
      granted: consent.granted,
      actor,
      purpose: SUPPORT_PURPOSE,
      bundles_deleted: deleted,
    },
  }]);
  return { ok: true, consent, bundlesDeleted: deleted };
}
