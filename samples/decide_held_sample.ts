/**
 * A person's decision on a held sample: the one path the CLI and the
 * dashboard share. Only a held sample can be approved or declined, and
 * who decided is recorded with the decision.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { recordEvents } from "../record/record_events.ts";
import { actorName } from "../policy/actor_name.ts";
import type { Identity } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { getSample, moveSample, type Sample } from "../store/sample_queries.ts";
import type { Database } from "../store/schema.ts";

/** The outcome: the sample as it now is, or why nothing changed (with an HTTP-like status). */
export type HeldSampleResult =
  | { ok: true; sample: Sample }
  | { ok: false; status: 400 | 404 | 409; message: string };

/** A person's decision. */
export interface HeldSampleDecision {
  id: string;
  approve: boolean;
  actor: string;
}

/**
 * Approves (the sample may then be submitted) or declines (it never will
 * be) held sample `decision.id`, as `decision.actor`, with a
 * sample_decision record.
 */
export async function decideHeldSample(
  db: Kysely<Database>,
  identity: Identity,
  policy: Policy,
  decision: HeldSampleDecision,
): Promise<HeldSampleResult> {
  const named = actorName(decision.actor);
  if (!named.ok) return { ...named, status: 400 };
  const { actor } = named;
  const sample = await getSample(db, decision.id);
  if (!sample) {
    return { ok: false, status: 404, message: `No sample "${decision.id}" was detected here` };
  }
  if (decision.approve && policy.get("cloudService.automaticSampleSubmissionConsent") === "none") {
    return {
      ok: false,
      status: 409,
      message:
        "Sample submission is off (cloudService.automaticSampleSubmissionConsent is none): an approved sample could not be sent",
    };
  }
  const reason = decision.approve
    ? `Approved by ${actor}: it may be submitted`
    : `Declined by ${actor}: it is never submitted`;
  const moved = await moveSample(
    db,
    sample.id,
    ["held"],
    decision.approve ? "approved" : "declined",
    { decided_by: actor, decided_at: Date.now(), reason },
  );
  if (!moved) {
    return {
      ok: false,
      status: 409,
      message:
        `Sample "${sample.id}" is ${sample.state}, not held: only a held sample is approved or declined`,
    };
  }
  if (!decision.approve && sample.copy) await Deno.remove(sample.copy).catch(() => {});
  await recordEvents(db, identity, policy, [{
    type: "sample_decision",
    fields: {
      sample_id: sample.id,
      decision: decision.approve ? "approve" : "decline",
      actor,
      reason,
    },
  }]);
  return { ok: true, sample: (await getSample(db, sample.id))! };
}
