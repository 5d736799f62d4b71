/**
 * The running agent: data directory lock, store, policy, collectors and
 * scheduler. The dashboard server is started beside it by `vitrine run`.
 *
 * @module
 */
import type { RawEvent } from "../catalog/raw_event.ts";
import { configurationEvents } from "../collectors/configuration_fields.ts";
import { FileActivityCollector } from "../collectors/file_activity/file_activity_collector.ts";
import type { KernelInterface } from "../collectors/file_activity/kernel_source.ts";
import { IntelligenceCollector } from "../collectors/intelligence_collector.ts";
import { SystemCollector } from "../collectors/system_collector.ts";
import type { FileLock } from "../ffi/file_lock.ts";
import { type Identity, loadIdentity } from "../identity/identity.ts";
import type { PreferenceChange } from "../policy/check_preference_change.ts";
import type { Policy } from "../policy/policy.ts";
import {
  asStoreError,
  checkIntegrity,
  damageAdvice,
  isDamage,
  type Store,
} from "../store/open_store.ts";
import { explainStorageError } from "../store/storage_error.ts";
import { setMeta } from "../store/meta_queries.ts";
import { Uplink } from "../uplink/uplink.ts";
import { changePreference } from "./change_preference.ts";
import { CollectorSet } from "./collector_set.ts";
import { CpuMeter } from "./cpu_meter.ts";
import { armCrashNote, clearCrashNote, crashStateOf } from "./crash_note.ts";
import { housekeepingTasks } from "./housekeeping_tasks.ts";
import type { AgentStatus } from "./agent_status.ts";
import { lockDataDir } from "./data_dir.ts";
import { currentPolicy } from "./current_policy.ts";
import { LevelKeeper } from "./level_keeper.ts";
import { type ConsentResult, recordConsent } from "./record_consent.ts";
import { recordEvents } from "./record_events.ts";
import { Scheduler } from "./scheduler.ts";
import { recutSupportBundles } from "../support/collect_support_bundle.ts";
import { startupRecords } from "./startup_records.ts";
import {
  type DashboardAddress,
  removeRunningMarker,
  writeRunningMarker,
} from "./running_marker.ts";

/** How to start the agent. */
export interface AgentOptions {
  dataDir: string;
  managedFile: string;
  /** Seconds per collector name; overrides the policy's interval when set. */
  intervals?: Readonly<Partial<Record<string, number>>>;
  /** How often the managed file and preferences are re-read, in ms. */
  policyPollMs?: number;
  /** Interfaces the file-activity subsystem tries, in order. */
  prefer?: readonly KernelInterface[];
  /** How long events may wait to fill a batch before they are sent, in ms (default 5 s). */
  sendDelayMs?: number;
  log?: (message: string) => void;
}

/** How long a stop may spend sending what is queued. */
const FLUSH_MS = 3000;

/** The vitrine agent. */
export class Agent {
  readonly options: AgentOptions;
  readonly store: Store;
  readonly #lock: FileLock;
  readonly #levels: LevelKeeper;
  readonly #fileActivity: FileActivityCollector;
  readonly #collectors: CollectorSet;
  readonly #scheduler = new Scheduler();
  readonly #uplink: Uplink;
  readonly #startedAt = Date.now();
  readonly #cpu = new CpuMeter();
  #disarmCrashNote: () => void = () => {};
  #policy: Policy;
  #identity: Identity;
  #cpuShare: number | null = null;
  /** The policy whose configuration snapshot was recorded last. */
  #recordedSignature = "";
  #stopped = false;
  /** The running marker's writes, one after another. */
  #markerWrites: Promise<void> = Promise.resolve();
  /** Where the dashboard listens, once it does. */
  #dashboard: DashboardAddress | null = null;
  /** The database's damage, as health tells it, once any was seen. */
  #damage: string | null = null;
  /** What the start found wrong with the files of the previous run. */
  #startupProblems: string[] = [];
  /** Policy work runs one at a time; this chain never rejects. */
  #serial: Promise<void> = Promise.resolve();

  private constructor(
    options: AgentOptions,
    lock: FileLock,
    store: Store,
    policy: Policy,
    identity: Identity,
  ) {
    this.options = options;
    this.#lock = lock;
    this.store = store;
    this.#policy = policy;
    this.#identity = identity;
    this.#levels = new LevelKeeper(
      store.db,
      (tiers) => recutSupportBundles(options.dataDir, tiers),
      options.log,
    );
    this.#fileActivity = new FileActivityCollector(options.dataDir, options.prefer);
    this.#uplink = new Uplink(
      store.db,
      options.sendDelayMs === undefined ? {} : { delayMs: options.sendDelayMs },
    );
    const intelligence = new IntelligenceCollector(store.db, (version) => {
      this.#identity = { ...this.#identity, sig_version: version };
    });
    this.#collectors = new CollectorSet(
      [new SystemCollector(), this.#fileActivity, intelligence],
      this.#scheduler,
      options.intervals,
    );
  }

  /** Starts an agent; throws an `AgentLockedError` when another one runs on the directory. */
  static async start(options: AgentOptions): Promise<Agent> {
    const { lock, store } = await lockDataDir(options.dataDir);
    try {
      // Every page is read once at start: damage is told, not met later.
      const started = performance.now();
      const damage = await checkIntegrity(store.db);
      options.log?.(
        `Checked the database in ${((performance.now() - started) / 1000).toFixed(1)} s: ${
          damage.length === 0 ? "intact" : "DAMAGED"
        }`,
      );
      const policy = await currentPolicy(store.db, options.managedFile);
      const identity = await loadIdentity(store.db, policy);
      const agent = new Agent(options, lock, store, policy, identity);
      if (damage.length > 0) agent.#noteDamage(damage.join("; "));
      await agent.#begin();
      return agent;
    } catch (error) {
      await store.close().catch(() => {});
      lock.release();
      throw asStoreError(error, store.path);
    }
  }

  /** What is known of damage to the database, as health tells it (null: none seen). */
  get damage(): string | null {
    return this.#damage;
  }

  /** Notes that the database is damaged; health says so until the agent restarts on a sound one. */
  #noteDamage(what: string): void {
    if (this.#damage !== null) return;
    this.#damage = `The database "${this.store.path}" is damaged (${
      what.replace(/\s+/g, " ")
    }). Collection goes on where it can. ${damageAdvice(this.store.path)}.`;
    this.options.log?.(this.#damage);
  }

  async #begin(): Promise<void> {
    const { dataDir } = this.options;
    await this.#uplink.apply(this.#policy);
    const found = await startupRecords(this.store.db, dataDir);
    this.#startupProblems = found.problems;
    for (const problem of found.problems) this.options.log?.(problem);
    await this.#writeMarker();
    await this.record(found.records);
    await clearCrashNote(dataDir);
    this.#disarmCrashNote = armCrashNote(
      dataDir,
      this.#startedAt,
      () => crashStateOf(this.#scheduler.status(), this.#policy),
    );
    await this.#levels.reconcile(this.#policy, (events) => this.record(events));
    await this.#recordConfiguration();
    await this.#collectors.apply(this.#policy);
    this.#collectors.schedule(() => this.#policy, (events) => this.record(events));
    const tasks = housekeepingTasks({
      store: this.store,
      uplink: this.#uplink,
      policy: () => this.#policy,
      policyPollMs: this.options.policyPollMs ?? 2000,
      reloadPolicy: () => this.reloadPolicy(),
      publishStatus: () => this.#publishStatus(),
      record: (events) => this.record(events),
    });
    for (const task of tasks) this.#scheduler.add(task);
  }

  /** The policy in effect. */
  get policy(): Policy {
    return this.#policy;
  }

  /** The common fields in effect. */
  get identity(): Identity {
    return this.#identity;
  }

  /** Validates, filters and stores events (one transaction). */
  async record(events: readonly RawEvent[]): Promise<number> {
    try {
      return await recordEvents(this.store.db, this.#identity, this.#policy, events);
    } catch (error) {
      if (isDamage(error)) this.#noteDamage((error as Error).message);
      throw explainStorageError(error, this.options.dataDir);
    }
  }

  /** Records the configuration snapshot, unless this policy's is already recorded. */
  async #recordConfiguration(): Promise<void> {
    const signature = this.#policy.signature();
    if (signature === this.#recordedSignature) return;
    await this.record(configurationEvents(this.#policy));
    this.#recordedSignature = signature;
  }

  /** Runs `work` after the policy work before it, whatever became of that. */
  #inTurn(work: () => Promise<void>): Promise<void> {
    const turn = this.#serial.then(work);
    this.#serial = turn.catch(() => {});
    return turn;
  }

  /**
   * Re-reads the managed file and local preferences; applies and records
   * any change, and finishes a deletion of optional data that has not
   * succeeded yet. Calls are serialised; a failed call never blocks later
   * ones, and its error is returned to this caller only.
   */
  reloadPolicy(): Promise<void> {
    return this.#inTurn(async () => {
      if (this.#stopped) return;
      try {
        const next = await currentPolicy(this.store.db, this.options.managedFile);
        if (next.signature() !== this.#policy.signature()) await this.#apply(next);
        await this.#levels.reconcile(this.#policy, (events) => this.record(events));
        await this.#recordConfiguration();
      } catch (error) {
        throw explainStorageError(error, this.options.dataDir);
      }
    });
  }

  async #apply(next: Policy): Promise<void> {
    this.#policy = next;
    this.#identity = {
      ...this.#identity,
      org_id: next.get("orgId"),
      release_ring: next.get("releaseRing"),
    };
    // Collection follows the new policy at once, before anything is written.
    await this.#collectors.apply(next);
    // Sending follows at once (and sends nothing the level no longer allows
    // even while taking it off the outbox fails).
    await this.#uplink.apply(next);
  }

  /**
   * Notes where the dashboard listens, for commands that look for it
   * (`vitrine dashboard`), and publishes it at once.
   */
  announceDashboard(address: DashboardAddress): Promise<void> {
    this.#dashboard = address;
    return this.#writeMarker();
  }

  /**
   * Writes the running marker as things stand when the write's turn comes;
   * writes never overlap, and none happens after a stop (which removes it).
   */
  #writeMarker(): Promise<void> {
    const write = this.#markerWrites.then(() =>
      this.#stopped
        ? undefined
        : writeRunningMarker(this.options.dataDir, this.#startedAt, this.#dashboard)
    );
    this.#markerWrites = write.catch(() => {});
    return write;
  }

  /** Sets or removes a local preference under the rule shared with the CLI, then applies it. */
  async changePreference(key: string, value: unknown): Promise<PreferenceChange> {
    let change: PreferenceChange;
    try {
      change = await changePreference(this.store.db, this.#policy, key, value);
    } catch (error) {
      throw explainStorageError(error, this.options.dataDir);
    }
    // The preference is stored; applying it may still fail (and is retried by the poll).
    if (change.ok) await this.reloadPolicy().catch(() => {});
    return change;
  }

  /** Records a consent decision and its event. */
  recordConsent(granted: boolean, actor: string): Promise<ConsentResult> {
    return recordConsent(
      this.store.db,
      this.#identity,
      this.#policy,
      { granted, actor },
      this.options.dataDir,
    );
  }

  /** Runs a collector now (tests). */
  async collectNow(name: string): Promise<void> {
    await this.#scheduler.runNow(name);
  }

  /** The agent's own status, as `vitrine health` shows it. */
  status(): AgentStatus {
    const collectors = this.#scheduler.status();
    const damaged = collectors.find((task) =>
      task.lastError && isDamage(new Error(task.lastError))
    );
    if (damaged) this.#noteDamage(damaged.lastError!);
    const problems = [
      ...(this.#damage ? [this.#damage] : []),
      ...this.#startupProblems,
      ...this.#levels.problems(),
      ...this.#collectors.problems(),
      ...collectors.filter((task) => task.lastError).map((task) =>
        `Task "${task.name}" failed ${task.consecutiveFailures} time(s): ${task.lastError}`
      ),
    ];
    return {
      pid: Deno.pid,
      startedAt: this.#startedAt,
      updatedAt: Date.now(),
      managedFile: this.options.managedFile,
      level: this.#policy.level,
      collectors,
      subsystem: this.#fileActivity.status(),
      cpuShare: this.#cpuShare,
      rssBytes: Deno.memoryUsage().rss,
      sendRetryAt: this.#uplink.retryAt(),
      problems,
    };
  }

  async #publishStatus(): Promise<void> {
    this.#cpuShare = this.#cpu.sample() ?? this.#cpuShare;
    await setMeta(this.store.db, "agent_status", JSON.stringify(this.status()));
    await this.#writeMarker();
  }

  /** Flushes, stops the collectors, and releases the data directory. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#disarmCrashNote();
    await this.#scheduler.stop();
    await this.#serial;
    await this.#uplink.flush(FLUSH_MS);
    await this.#collectors.stop();
    const final = JSON.stringify({ ...this.status(), stoppedAt: Date.now() });
    await setMeta(this.store.db, "agent_status", final).catch(() => {});
    await this.store.close();
    await this.#markerWrites;
    await removeRunningMarker(this.options.dataDir);
    this.#lock.release();
  }

  /** Stops the agent (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
