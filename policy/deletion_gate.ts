/**
 * When a policy may make vitrine delete what it holds (stored optional
 * data, support bundles, records waiting to be sent). Deleting cannot be
 * undone, so only an unambiguous instruction may cause it: a local
 * preference, a valid managed file, or a managed file that has stayed gone
 * for a while. A managed file that cannot be read or is invalid (being
 * rewritten in place, say) never deletes anything: the policy fails closed
 * for what is collected, shown, exported and sent, and keeps the rest.
 *
 * @module
 */
import type { ManagedState, Policy } from "./policy.ts";

/**
 * How long a managed file that was valid must stay gone before its
 * absence counts as an instruction: `rm; cp` makes it briefly absent.
 */
export const VANISHED_GRACE_MS = 5000;

/** Follows the policies one part of the agent applies, and says when they may delete. */
export class DeletionGate {
  #lastManagedState: ManagedState | null = null;
  #vanishedSince: number | null = null;

  /** Takes `policy` as the one now in effect and says whether it may delete. */
  mayDelete(policy: Policy, now = Date.now()): boolean {
    if (policy.managedState === "absent" && this.#lastManagedState === "valid") {
      this.#vanishedSince ??= now;
    } else if (policy.managedState !== "absent") this.#vanishedSince = null;
    if (policy.managedState !== "invalid") this.#lastManagedState = policy.managedState;
    if (policy.managedState === "invalid") return false;
    return this.#vanishedSince === null || now - this.#vanishedSince >= VANISHED_GRACE_MS;
  }

  /** Whether a vanished managed file is within its grace: it must be looked at again soon. */
  waiting(now = Date.now()): boolean {
    return this.#vanishedSince !== null && now - this.#vanishedSince < VANISHED_GRACE_MS;
  }
}
