/**
 * What the web app needs from the agent (or from a test).
 *
 * @module
 */
import type { LogKey } from "../identity/log_key.ts";
import type { DeletionResult } from "../record/delete_diagnostic_data.ts";
import type { AgentStatus } from "../agent/agent_status.ts";
import type { ConsentResult } from "../record/record_consent.ts";
import type { Identity } from "../identity/identity.ts";
import type { PreferenceChange } from "../policy/check_preference_change.ts";
import type { Policy } from "../policy/policy.ts";
import type { Store } from "../store/open_store.ts";
import type { HeldSampleDecision, HeldSampleResult } from "../samples/decide_held_sample.ts";

/** The web app's view of the agent. */
export interface AppDeps {
  store: Store;
  dataDir: string;
  policy(): Policy;
  identity(): Identity;
  /** The running agent's status; undefined when no agent runs. */
  status(): AgentStatus | undefined;
  /** What the agent knows of damage to the database (null: none seen). */
  damage?(): string | null;
  /** The per-installation token that state-changing requests must carry. */
  token: string;
  /** A token that allows reading only (scrapers), when there is one. */
  readToken?: string;
  /** The read-only token an administrator provisioned (dashboard.readTokenFile), when there is one. */
  provisionedReadToken?: () => Promise<string | null>;
  /** Whether reads need a token too (the server listens beyond loopback). */
  readsNeedToken?: boolean;
  /** Host header values accepted, such as `127.0.0.1:7878`. */
  allowedHosts: readonly string[];
  /** Sets or (with `undefined`) clears a local preference, then re-applies the policy. */
  changePreference(key: string, value: unknown): Promise<PreferenceChange>;
  /** Records consent for support logs. */
  recordConsent(granted: boolean, actor: string): Promise<ConsentResult>;
  /** Deletes this machine's diagnostic data at `actor`'s request (the CLI's path too). */
  deleteDiagnosticData(actor: string): Promise<DeletionResult>;
  /** The key that signs the log of what left (absent: no proofs are served). */
  logKey?: LogKey;
  /** Approves or declines a held sample. */
  decideHeldSample(decision: HeldSampleDecision): Promise<HeldSampleResult>;
}
