/**
 * The running agent: data directory lock, store, policy, collectors and
 * scheduler. The dashboard server is started beside it by `vitrine run`.
 *
 * @module
 */
import { LogKey } from "../identity/log_key.ts";
import { signTreeHead } from "../record/sign_tree_head.ts";
import {
  deleteDiagnosticData,
  type DeletionResult,
  finishPendingDeletion,
} from "../record/delete_diagnostic_data.ts";
import type { RawEvent } from "../catalog/raw_event.ts";
import type { FileActivityCollector } from "../collectors/file_activity/file_activity_collector.ts";
import type { FileLock } from "../ffi/file_lock.ts";
import { type Identity, identityUnder, loadIdentity } from "../identity/identity.ts";
import type { PreferenceChange } from "../policy/check_preference_change.ts";
import type { Policy } from "../policy/policy.ts";
import type { Store } from "../store/open_store.ts";
import { asStoreError, explainStorageError } from "../store/store_error.ts";
import { Uplink } from "../uplink/uplink.ts";
import { agentCollectors, type CollectorSet } from "./collector_set.ts";
import { clearCrashNote, crashStateOf } from "./crash_note.ts";
import { ProvisionedReadToken } from "./dashboard_token.ts";
import { SelfProtection } from "./self_protection.ts";
import { heartbeatMs, housekeepingTasks, uplinkMs } from "./housekeeping_tasks.ts";
import { PolicyWatch } from "./policy_watch.ts";
import type { AgentOptions } from "./agent_options.ts";
import { type AgentStatus, publishStatus } from "./agent_status.ts";
import { lockDataDir } from "./data_dir.ts";
import { currentPolicy } from "../policy/current_policy.ts";
import { PolicyFollower } from "./policy_follower.ts";
import { type ConsentResult, recordConsent } from "../record/record_consent.ts";
import { recordEvents } from "../record/record_events.ts";
import { Scheduler, taskProblems } from "./scheduler.ts";
import { startupRecords } from "./startup_records.ts";
import { type DashboardAddress, MarkerWriter } from "./running_marker.ts";
import { StoreDamage } from "./store_damage.ts";
import { decideHeldSample, type HeldSampleDecision } from "../samples/decide_held_sample.ts";
import {
  deleteSupportBundles,
  recutSupportBundles,
  supportBundleFiles,
} from "../support/collect_support_bundle.ts";
import type { HeldSampleResult } from "../samples/decide_held_sample.ts";
import { SampleSubmitter } from "../samples/sample_submitter.ts";

/** How often the policy is looked at while its changes are noticed without looking. */
const POLICY_SAFETY_POLL_MS = 60 * 1000;

export type { AgentOptions };

/** How long a stop may spend sending what is queued. */
const FLUSH_MS = 3000;

/** The vitrine agent. */
export class Agent {
  readonly options: AgentOptions;
  readonly store: Store;
  readonly #lock: FileLock;
  readonly #fileActivity: FileActivityCollector;
  readonly #collectors: CollectorSet;
  readonly #scheduler = new Scheduler();
  /** The key that signs the log of what left. */
  readonly #logKey: LogKey;
  #policyWatch: PolicyWatch | null = null;
  readonly #uplink: Uplink;
  readonly #samples: SampleSubmitter;
  readonly #startedAt = Date.now();
  readonly #follower: PolicyFollower;
  #identity: Identity;
  #stopped = false;
  /** The size cap last applied (retention.maxSizeMB). */
  #sizeLimitMB = Infinity;
  readonly #marker: MarkerWriter;
  readonly #damage: StoreDamage;
  /** What the start found wrong with the files of the previous run. */
  #startupProblems: string[] = [];
  readonly #protection: SelfProtection;
  /** The fleet's read-only token (dashboard.readTokenFile), as the dashboard checks it. */
  readonly provisionedReadToken = new ProvisionedReadToken();

  private constructor(
    options: AgentOptions,
    lock: FileLock,
    store: Store,
    policy: Policy,
    identity: Identity,
    logKey: LogKey,
  ) {
    this.options = options;
    this.#logKey = logKey;
    this.#lock = lock;
    this.store = store;
    this.#follower = new PolicyFollower({
      store,
      dataDir: options.dataDir,
      managedFile: options.managedFile,
      apply: (next, previous) => this.#apply(next, previous),
      record: (events) => this.record(events),
      recutBundles: (tiers) => recutSupportBundles(options.dataDir, tiers),
      logPublicKey: logKey.publicKeyHex,
      log: options.log,
    }, policy);
    this.#identity = identity;
    this.#marker = new MarkerWriter(options.dataDir, this.#startedAt);
    this.#protection = new SelfProtection({
      dataDir: options.dataDir,
      startedAt: this.#startedAt,
      policy: () => this.policy,
      tasks: () => this.#scheduler.status(),
      crashState: () => crashStateOf(this.#scheduler.status(), this.policy),
      shed: (stage) => this.#follower.inTurn(() => this.#collectors.shed(stage, this.policy)),
      record: (events) => this.record(events),
      ...(options.log ? { log: options.log } : {}),
    }, { timing: options.watchdogTiming, stallMs: options.livenessStallMs, fault: options.fault });
    this.#damage = new StoreDamage(store.path, options.log);
    this.#samples = new SampleSubmitter(store.db, (events) => this.record(events));
    this.#uplink = new Uplink(
      store.db,
      () => this.policy,
      options.sendDelayMs === undefined ? {} : { delayMs: options.sendDelayMs },
    );
    ({ collectors: this.#collectors, fileActivity: this.#fileActivity } = agentCollectors(
      store.db,
      options,
      this.#scheduler,
      (version) => this.#identity = { ...this.#identity, sig_version: version },
    ));
  }

  /** Starts an agent; throws an `AgentLockedError` when another one runs on the directory. */
  static async start(options: AgentOptions): Promise<Agent> {
    const { lock, store, damage, problems } = await lockDataDir(options.dataDir, options.log);
    try {
      const policy = await currentPolicy(store.db, options.managedFile);
      const identity = await loadIdentity(store.db, policy);
      const logKey = await LogKey.load(options.dataDir);
      const agent = new Agent(options, lock, store, policy, identity, logKey);
      if (damage.length > 0) agent.#damage.note(damage.join("; "));
      await agent.#begin(problems);
      return agent;
    } catch (error) {
      await store.close().catch(() => {});
      lock.release();
      throw asStoreError(error, store.path);
    }
  }

  /** What is known of damage to the database, as health tells it (null: none seen). */
  get damage(): string | null {
    return this.#damage.message;
  }

  async #begin(storeProblems: string[]): Promise<void> {
    const { dataDir } = this.options;
    await this.#uplink.apply(null);
    // A deletion committed before a crash removes the files it left behind.
    await finishPendingDeletion(this.store.db);
    const found = await startupRecords(this.store.db, dataDir, this.options.log);
    this.#startupProblems = [...storeProblems, ...found.problems];
    await this.#marker.write();
    await this.record(found.records);
    await clearCrashNote(dataDir);
    this.#protection.armCrashNote();
    await this.#follower.begin();
    await this.#collectors.apply(this.policy);
    this.#collectors.schedule(() => this.policy, (events) => this.record(events));
    const tasks = housekeepingTasks({
      store: this.store,
      uplink: this.#uplink,
      samples: this.#samples,
      policy: () => this.policy,
      policyPollMs: this.#policyPollMs,
      reloadPolicy: () => this.reloadPolicy().finally(() => this.#pacePolicyPoll()),
      publishStatus: () => this.#publishStatus(),
      signTreeHead: () => signTreeHead(this.store.db, this.#logKey),
      logPublicKey: this.#logKey.publicKeyHex,
      record: (events) => this.record(events),
    });
    for (const task of tasks) this.#scheduler.add(task);
    this.#protection.schedule(this.#scheduler);
    if (this.options.watchPolicy !== false) {
      this.#policyWatch = new PolicyWatch(
        this.options.managedFile,
        () => this.policyMayHaveChanged(),
      );
    }
    this.#pacePolicyPoll();
  }

  get #policyPollMs(): number {
    return this.options.policyPollMs ?? 2000;
  }

  /**
   * Looks at the policy rarely while changes are noticed (the watch) and
   * nothing waits on a later look; quickly otherwise.
   */
  #pacePolicyPoll(): void {
    const calm = this.#policyWatch?.watching === true && !this.#follower.unsettled();
    // An interval the caller set is kept as it is.
    const slow = this.options.policyPollMs ?? POLICY_SAFETY_POLL_MS;
    this.#scheduler.setInterval("policy", calm ? slow : this.#policyPollMs);
  }

  /**
   * Tells systemd (when it watches) that the agent is ready, and from now
   * on that it is alive while its work moves. Called once it serves.
   */
  ready(): void {
    this.#protection.ready();
  }

  /** Re-reads the policy soon (SIGHUP, a change seen in the managed file's folder). */
  policyMayHaveChanged(): void {
    if (!this.#stopped) void this.#scheduler.runNow("policy").catch(() => {});
  }

  /** The key that signs the log of what left. */
  get logKey(): LogKey {
    return this.#logKey;
  }

  /** The policy in effect. */
  get policy(): Policy {
    return this.#follower.policy;
  }

  /** The common fields in effect. */
  get identity(): Identity {
    return this.#identity;
  }

  /** Validates, filters and stores events (one transaction). */
  async record(events: readonly RawEvent[]): Promise<number> {
    await this.#protection.beforeWrite();
    try {
      const stored = await recordEvents(this.store.db, this.#identity, this.policy, events);
      this.#protection.wrote();
      return stored;
    } catch (error) {
      this.#damage.noteError(error);
      throw explainStorageError(error, this.options.dataDir);
    }
  }

  /**
   * Re-reads the managed file and local preferences; applies and records
   * any change, and finishes a deletion of optional data that has not
   * succeeded yet. Calls are serialised; a failed call never blocks later
   * ones, and its error is returned to this caller only.
   */
  reloadPolicy(): Promise<void> {
    return this.#follower.reload();
  }

  /** Brings collection, sending and the common fields to `next`, the new policy in effect. */
  async #apply(next: Policy, previous: Policy): Promise<void> {
    this.#identity = identityUnder(this.#identity, next);
    // Collection follows the new policy at once, before anything is written.
    await this.#collectors.apply(next);
    // Sending follows at once (and sends nothing the level no longer allows
    // even while taking it off the outbox fails).
    await this.#uplink.apply(previous);
    this.#scheduler.setInterval("heartbeat", heartbeatMs(next));
    this.#scheduler.setInterval("uplink", uplinkMs(next));
    // A lowered size cap is kept at once, not at the next minute's look.
    const limit = next.get("retention.maxSizeMB");
    if (limit < this.#sizeLimitMB) {
      void this.#scheduler.runNow("size_limit").catch(() => {});
    }
    this.#sizeLimitMB = limit;
    // Commands compare their policy with the agent's: tell them at once.
    await publishStatus(this.store.db, this.status()).catch(() => {});
  }

  /**
   * Notes where the dashboard listens, for commands that look for it
   * (`vitrine dashboard`), and publishes it at once.
   */
  announceDashboard(address: DashboardAddress): void {
    this.#marker.dashboard = address;
  }

  /** Sets or removes a local preference under the rule shared with the CLI, then applies it. */
  changePreference(key: string, value: unknown): Promise<PreferenceChange> {
    return this.#follower.change(key, value);
  }

  /** Records a consent decision and its event (a withdrawal deletes the bundles gathered). */
  recordConsent(granted: boolean, actor: string): Promise<ConsentResult> {
    const { store, policy, options } = this;
    return recordConsent(
      store.db,
      this.#identity,
      policy,
      { granted, actor },
      () => deleteSupportBundles(options.dataDir),
    );
  }

  /**
   * Deletes this machine's diagnostic data at `actor`'s request (the CLI
   * takes the same path when no agent runs): with the policy steady, no
   * send round and no sample submission under way.
   */
  deleteDiagnosticData(actor: string): Promise<DeletionResult> {
    const { store, options } = this;
    return this.#follower.inTurn(() =>
      this.#uplink.exclusive(() =>
        this.#scheduler.hold(
          ["sample_submission"],
          () =>
            deleteDiagnosticData(store.db, this.#identity, this.policy, {
              actor,
              bundles: () => supportBundleFiles(options.dataDir),
              progress: () => this.#protection.wrote(),
            }).catch((error) => Promise.reject(explainStorageError(error, options.dataDir))),
        )
      )
    );
  }

  /** A person's decision on a held sample (the CLI takes the same path). */
  decideHeldSample(decision: HeldSampleDecision): Promise<HeldSampleResult> {
    return decideHeldSample(this.store.db, this.#identity, this.policy, decision);
  }

  /** Runs a collector now (tests). */
  async collectNow(name: string): Promise<void> {
    await this.#scheduler.runNow(name);
  }

  /** The agent's own status, as `vitrine health` shows it. */
  status(): AgentStatus {
    const collectors = this.#scheduler.status();
    for (const task of collectors) this.#damage.noteError(new Error(task.lastError ?? ""));
    const problems = [
      ...(this.#damage.message ? [this.#damage.message] : []),
      ...this.#startupProblems,
      ...this.#follower.problems(),
      ...this.#collectors.problems(),
      ...this.#samples.problems(),
      ...this.#uplink.problems(),
      ...taskProblems(collectors),
      ...this.#protection.problems(),
      ...(this.provisionedReadToken.problem ? [this.provisionedReadToken.problem] : []),
    ];
    return {
      pid: Deno.pid,
      startedAt: this.#startedAt,
      updatedAt: Date.now(),
      managedFile: this.options.managedFile,
      level: this.policy.level,
      policy: this.policy.fingerprint(),
      collectors,
      subsystem: this.#fileActivity.status(),
      rssBytes: Deno.memoryUsage().rss,
      sendRetryAt: this.#uplink.retryAt(),
      ...this.#protection.status(),
      problems,
    };
  }

  async #publishStatus(): Promise<void> {
    await this.#protection.beforeWrite();
    this.#protection.sampleCpu();
    await publishStatus(this.store.db, this.status());
    this.#protection.wrote();
    await this.#marker.write();
  }

  /** Flushes, stops the collectors, and releases the data directory. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#protection.stopping();
    await this.#policyWatch?.stop();
    const policyWork = this.#follower.stop();
    await this.#scheduler.stop();
    await policyWork;
    await this.#uplink.flush(FLUSH_MS);
    await this.#collectors.stop();
    await publishStatus(this.store.db, { ...this.status(), stoppedAt: Date.now() }).catch(() => {});
    await this.store.close();
    await this.#marker.end();
    this.#lock.release();
  }

  /** Stops the agent (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
