/**
 * Which tiers of data cross each boundary under a policy: the one home of
 * that decision. Every reader of stored data asks here for its boundary
 * and reads only those tiers; none filters again.
 *
 * @module
 */
import type { Tier } from "../catalog/types.ts";
import type { Policy } from "./policy.ts";

/**
 * The boundaries data crosses: collected, stored, shown (dashboard, API,
 * CLI), exported, sent (OTLP), served as metrics, put in a support bundle.
 */
export type Boundary = "collect" | "store" | "show" | "export" | "send" | "metrics" | "bundle";

/**
 * Where events go under `policy` (`<serviceUri>/v1/logs`), or null while
 * sending is off or has nowhere to go.
 */
export function sendingTo(policy: Policy): URL | null {
  const uri = policy.get("cloudService.serviceUri");
  if (!policy.get("cloudService.enabled") || uri === null) return null;
  // Validation admits only http(s) host addresses; anything else sends nothing.
  const url = URL.parse(`${uri.replace(/\/+$/, "")}/v1/logs`);
  if (!url || !/^https?:$/.test(url.protocol)) return null;
  // TLS files say the backend is reached over TLS: never in the clear instead.
  if (url.protocol === "http:" && usesTls(policy)) return null;
  return url;
}

/**
 * The organisation's sample store, where samples may go under `policy`, or
 * why none may be submitted: the cloud service is off, no store is named,
 * submission is set to none, or TLS files are set and the address is plain
 * http.
 */
export function sampleDestination(policy: Policy): { url: URL } | { none: string } {
  const uri = policy.get("samples.submissionUri");
  if (policy.get("cloudService.automaticSampleSubmissionConsent") === "none") {
    return { none: "nowhere: sample submission is off (none)" };
  }
  if (!policy.get("cloudService.enabled")) return { none: "nowhere: the cloud service is off" };
  if (uri === null) return { none: "nowhere: samples.submissionUri is not set" };
  const url = URL.parse(uri.replace(/\/+$/, ""));
  if (!url || !/^https?:$/.test(url.protocol)) {
    return { none: `nowhere: samples.submissionUri "${uri}" is not an http(s) address` };
  }
  if (url.protocol === "http:" && usesTls(policy)) {
    return {
      none:
        "nowhere: samples.submissionUri is plain http while TLS files are set (never in the clear)",
    };
  }
  return { url };
}

/** Whether the policy names a CA bundle or a client certificate (TLS is then required). */
export function usesTls(policy: Policy): boolean {
  return policy.get("cloudService.caFile") !== null ||
    policy.get("cloudService.clientCertificateFile") !== null ||
    policy.get("cloudService.clientKeyFile") !== null;
}

/**
 * The tiers `policy` lets through `boundary`: the diagnostic level's, and
 * for sending none at all while sending is off.
 */
export function allowedTiers(policy: Policy, boundary: Boundary): Tier[] {
  if (boundary === "send" && sendingTo(policy) === null) return [];
  return policy.level === "optional" ? ["required", "optional"] : ["required"];
}

/** A tier named in text ("optional", anything else is "required"): for values stored by vitrine. */
export function tierOf(text: unknown): Tier {
  return text === "optional" ? "optional" : "required";
}
