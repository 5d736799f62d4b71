/**
 * How the running agent follows its policy: re-reads the managed file and
 * local preferences, applies a change (through the agent's `apply`),
 * keeps the stored data within the level, and records each configuration.
 * Policy work runs one call at a time, in order; a failed call never
 * blocks the next.
 *
 * @module
 */
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Tier } from "../catalog/types.ts";
import { ConfigurationSnapshots } from "../collectors/configuration_fields.ts";
import type { PreferenceChange } from "../policy/check_preference_change.ts";
import type { Policy } from "../policy/policy.ts";
import type { Store } from "../store/open_store.ts";
import { explainStorageError } from "../store/store_error.ts";
import { changePreference } from "../policy/change_preference.ts";
import { currentPolicy } from "../policy/current_policy.ts";
import { LevelKeeper } from "./level_keeper.ts";
import { Turns } from "./turns.ts";

/** What the follower needs of the agent. */
export interface FollowingAgent {
  store: Store;
  dataDir: string;
  managedFile: string;
  /**
   * Brings everything that follows the policy (collection, sending,
   * identity) from `previous` to `next`, the policy now in effect here.
   */
  apply(next: Policy, previous: Policy): Promise<void>;
  record(events: readonly RawEvent[]): Promise<number>;
  /** Cuts the support bundles kept to `tiers` (the support room's upkeep, wired in by the agent). */
  recutBundles(tiers: readonly Tier[]): Promise<unknown>;
  /** The public key that signs the log of what left, for the configuration record. */
  logPublicKey: string | null;
  log?: ((message: string) => void) | undefined;
}

/**
 * The one owner of the policy in effect: everything else reads it here (the
 * agent's `policy`), and is told of a change through the agent's `apply`.
 */
export class PolicyFollower {
  readonly #agent: FollowingAgent;
  readonly #levels: LevelKeeper;
  readonly #snapshots: ConfigurationSnapshots;
  readonly #turns = new Turns();
  #policy: Policy;
  #stopped = false;

  constructor(agent: FollowingAgent, policy: Policy) {
    this.#agent = agent;
    this.#policy = policy;
    this.#snapshots = new ConfigurationSnapshots(agent.logPublicKey);
    this.#levels = new LevelKeeper(
      agent.store.db,
      (tiers) => agent.recutBundles(tiers),
      agent.log,
    );
  }

  /** The policy in effect. */
  get policy(): Policy {
    return this.#policy;
  }

  /** Runs `work` in turn with the policy work (so that it never sees a policy half applied). */
  inTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.#turns.run(work);
  }

  /** At start: stored data within the level, and the configuration recorded. */
  async begin(): Promise<void> {
    await this.#levels.reconcile(this.#policy, (events) => this.#agent.record(events));
    await this.#recordConfiguration();
  }

  /** Records the configuration snapshot, unless this policy's is already recorded. */
  #recordConfiguration(): Promise<void> {
    return this.#snapshots.record(this.#policy, (events) => this.#agent.record(events));
  }

  /**
   * Re-reads the managed file and local preferences; applies and records
   * any change, and finishes a deletion of optional data that has not
   * succeeded yet. Its error is returned to this caller only.
   */
  reload(): Promise<void> {
    return this.#turns.run(async () => {
      if (this.#stopped) return;
      try {
        const next = await currentPolicy(this.#agent.store.db, this.#agent.managedFile);
        const previous = this.#policy;
        // The newest reading is kept either way (it knows the file as it is now).
        this.#policy = next;
        if (next.signature() !== previous.signature()) await this.#agent.apply(next, previous);
        await this.#levels.reconcile(this.#policy, (events) => this.#agent.record(events));
        await this.#recordConfiguration();
      } catch (error) {
        throw explainStorageError(error, this.#agent.dataDir);
      }
    });
  }

  /** Sets or removes a local preference under the rule shared with the CLI, then applies it. */
  async change(key: string, value: unknown): Promise<PreferenceChange> {
    const change = await changePreference(this.#agent.store.db, this.#policy, key, value)
      .catch((error) => Promise.reject(explainStorageError(error, this.#agent.dataDir)));
    // The preference is stored; applying it may still fail (and is retried by the poll).
    if (change.ok) await this.reload().catch(() => {});
    return change;
  }

  /** Whether the policy must be looked at again soon (see the level keeper). */
  unsettled(): boolean {
    return this.#levels.unsettled();
  }

  /** Trouble keeping the stored data within the level. */
  problems(): string[] {
    return this.#levels.problems();
  }

  /** Stops taking policy work and waits for the work under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#turns.idle();
  }
}
