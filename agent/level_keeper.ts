/**
 * Keeps the stored data within the diagnostic level in effect: deletes
 * optional data when the level is lowered (retrying until it succeeds) and
 * records each change.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { RawEvent } from "../catalog/raw_event.ts";
import type { Tier } from "../catalog/types.ts";
import { DeletionGate } from "../policy/deletion_gate.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers, tierOf } from "../policy/tiers.ts";
import { deleteOptionalData } from "../store/purge_queries.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";

const STORED_LEVEL = "diagnostic_level";
const PENDING_CHANGE = "pending_level_change";

/** Tracks the stored level and brings it to the level in effect. */
export class LevelKeeper {
  readonly #db: Kysely<Database>;
  readonly #cutElsewhere: (tiers: Tier[]) => Promise<unknown>;
  readonly #log: ((message: string) => void) | undefined;
  /** Whether the policy may delete (an unambiguous instruction). */
  readonly #gate = new DeletionGate();
  #problem: string | null = null;
  /** Whether data kept outside the database (support bundles) may still hold optional data. */
  #cutPending = true;

  /**
   * `cutElsewhere(tiers)` cuts what is kept outside the database (support
   * bundles) to `tiers`; it runs after every deletion, and once at start.
   */
  constructor(
    db: Kysely<Database>,
    cutElsewhere: (tiers: Tier[]) => Promise<unknown>,
    log?: (message: string) => void,
  ) {
    this.#db = db;
    this.#cutElsewhere = cutElsewhere;
    this.#log = log;
  }

  /** A deletion that has not succeeded yet, as a health problem. */
  problems(): string[] {
    return this.#problem ? [this.#problem] : [];
  }

  /** Whether the policy must be looked at again soon: a deletion to retry, a grace running. */
  unsettled(): boolean {
    return this.#problem !== null || this.#gate.waiting();
  }

  /**
   * Compares the level the stored data may hold with `policy`'s. Raising is
   * recorded at once. Lowering deletes every stored optional part and
   * records how many, in the same transaction as the new stored level, but
   * only on an unambiguous instruction: a local preference, or a valid
   * managed file. A managed file that is invalid (being rewritten, say)
   * never deletes anything: the policy keeps optional data from being
   * collected, shown, exported or sent meanwhile, and it is all still there
   * if the file comes back as it was. A managed file that vanished deletes
   * only once it has stayed gone a while (see {@linkcode DeletionGate}). A failed
   * deletion throws and is tried again on the next call.
   */
  async reconcile(
    policy: Policy,
    record: (events: RawEvent[]) => Promise<unknown>,
  ): Promise<void> {
    const source = policy.source("cloudService.diagnosticLevel");
    const mayDelete = this.#gate.mayDelete(policy);
    const stored: Tier = tierOf(await getMeta(this.#db, STORED_LEVEL));
    if (stored !== policy.level) {
      if (policy.level === "optional") {
        const change = { from_level: stored, to_level: policy.level, source, deleted_records: 0 };
        await setMeta(this.#db, PENDING_CHANGE, JSON.stringify({ ...change, deleted_at: null }));
        await setMeta(this.#db, STORED_LEVEL, "optional");
      } else if (mayDelete) {
        await this.#purge(stored, source);
      }
    } else this.#problem = null;
    await this.#recordPending(record);
    if (policy.level === "required" && mayDelete) await this.#cutOutside(policy);
  }

  /** Deletes the stored optional data and notes the change, in one transaction. */
  async #purge(from: Tier, source: string): Promise<void> {
    try {
      const deleted = await deleteOptionalData(this.#db, (count) => ({
        [STORED_LEVEL]: "required",
        [PENDING_CHANGE]: JSON.stringify({
          from_level: from,
          to_level: "required",
          source,
          deleted_records: count,
          deleted_at: Date.now(),
        }),
      }));
      this.#problem = null;
      this.#cutPending = true;
      this.#log?.(`Diagnostic level lowered to required: deleted ${deleted} optional records`);
    } catch (error) {
      this.#problem = `Optional data could not be deleted after the level was lowered; ` +
        `it is withheld from every view, export and upload, and deletion is retried: ${
          (error as Error).message
        }`;
      throw error;
    }
  }

  async #cutOutside(policy: Policy): Promise<void> {
    if (!this.#cutPending) return;
    try {
      await this.#cutElsewhere(allowedTiers(policy, "bundle"));
      this.#cutPending = false;
    } catch (error) {
      this.#problem = `Support bundles could not be cut to the required level; retrying: ${
        (error as Error).message
      }`;
      throw error;
    }
  }

  /** Records a change whose record was not written yet (kept in meta until it is). */
  async #recordPending(record: (events: RawEvent[]) => Promise<unknown>): Promise<void> {
    const pending = await getMeta(this.#db, PENDING_CHANGE);
    if (pending === undefined || pending === "") return;
    await record([{ type: "diagnostic_level_change", fields: JSON.parse(pending) }]);
    await setMeta(this.#db, PENDING_CHANGE, "");
  }
}
