/**
 * The running agent: data directory lock, store, policy, collectors,
 * scheduler and dashboard server.
 *
 * @module
 */
import { sql } from "kysely";
import { collectSystem } from "../collectors/collect_system.ts";
import { configurationFields } from "../collectors/configuration_fields.ts";
import type { Exclusion } from "../collectors/file_activity_protocol.ts";
import { FileActivitySubsystem } from "../collectors/file_activity_subsystem.ts";
import type { Tier } from "../catalog/types.ts";
import { type FileLock, tryLockFile } from "../ffi/file_lock.ts";
import { getrusage } from "../ffi/rusage.ts";
import { APP_VERSION, type Identity, loadIdentity } from "../identity/identity.ts";
import {
  allowedTiers,
  combinePolicy,
  type Policy,
  readManagedFile,
} from "../policy/resolve_policy.ts";
import { insertConsent } from "../store/consent_queries.ts";
import { deleteOptionalData } from "../store/event_queries.ts";
import { getMeta, getPreferences, setMeta } from "../store/meta_queries.ts";
import { openStore, type Store } from "../store/open_store.ts";
import { dataPaths } from "./data_dir.ts";
import { type RawEvent, recordEvents } from "./record_events.ts";
import { Scheduler, type TaskStatus } from "./scheduler.ts";

/** How to start the agent. */
export interface AgentOptions {
  dataDir: string;
  managedFile: string;
  /** Seconds; overrides the policy's collection intervals when set. */
  systemInterval?: number;
  fileActivityInterval?: number;
  /** How often the managed file and preferences are re-read, in ms. */
  policyPollMs?: number;
  /** Interfaces the file-activity subsystem tries, in order. */
  prefer?: readonly ("fanotify" | "inotify")[];
  log?: (message: string) => void;
}

/** A second agent was started on a data directory already in use. */
export class AgentLockedError extends Error {
  constructor(dataDir: string) {
    super(
      `Another vitrine agent is already running with data directory "${dataDir}". Stop it first, or start this one with a different --data-dir.`,
    );
    this.name = "AgentLockedError";
  }
}

/** What the running agent publishes about itself (kept in the database). */
export interface AgentStatus {
  pid: number;
  startedAt: number;
  updatedAt: number;
  collectors: TaskStatus[];
  subsystem: ReturnType<FileActivitySubsystem["status"]>;
  /** Share of one CPU used since the previous status, 0..cores. */
  cpuShare: number | null;
  rssBytes: number;
  problems: string[];
}

function exclusionsOf(policy: Policy, dataDir: string): Exclusion[] {
  const list = (policy.settings["antivirusEngine.exclusions"] as Record<string, unknown>[]).map(
    (item): Exclusion =>
      item.$type === "excludedPath"
        ? { kind: "path", path: String(item.path), isDirectory: item.isDirectory === true }
        : item.$type === "excludedFileExtension"
        ? { kind: "extension", extension: String(item.extension) }
        : { kind: "name", name: String(item.name) },
  );
  // The agent's own database writes are not file activity worth counting.
  return [...list, { kind: "path", path: dataDir, isDirectory: true }];
}

function subsystemKey(policy: Policy): string {
  const s = policy.settings;
  return JSON.stringify([
    policy.level,
    s["antivirusEngine.enableRealTimeProtection"],
    s["antivirusEngine.exclusions"],
    s["fileActivity.paths"],
    s["fileActivity.traceLevel"],
  ]);
}

/** The vitrine agent. */
export class Agent {
  readonly options: AgentOptions;
  readonly store: Store;
  #lock: FileLock;
  #policy: Policy;
  #identity: Identity;
  #policySignature: string;
  #subsystemKey = "";
  readonly #subsystem = new FileActivitySubsystem();
  readonly #scheduler = new Scheduler();
  readonly #startedAt = Date.now();
  #lastUsage = { at: performance.now(), cpu: 0 };
  #cpuShare: number | null = null;
  #problems: string[] = [];
  #stopped = false;
  #applying: Promise<void> = Promise.resolve();

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
    this.#policySignature = JSON.stringify([policy.settings, policy.managedState, policy.problems]);
  }

  /** Starts an agent; throws {@linkcode AgentLockedError} if one runs. */
  static async start(options: AgentOptions): Promise<Agent> {
    const paths = dataPaths(options.dataDir);
    await Deno.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const lock = tryLockFile(paths.lock);
    if (lock === null) throw new AgentLockedError(options.dataDir);
    let store: Store;
    try {
      store = await openStore(paths.database);
    } catch (error) {
      lock.release();
      throw error;
    }
    const policy = await Agent.#resolve(store, options.managedFile);
    const identity = await loadIdentity(store.db, {
      orgId: policy.settings.orgId as string | null,
      releaseRing: String(policy.settings.releaseRing),
    });
    const agent = new Agent(options, lock, store, policy, identity);
    await agent.#begin();
    return agent;
  }

  static async #resolve(store: Store, managedFile: string): Promise<Policy> {
    return combinePolicy(
      managedFile,
      await readManagedFile(managedFile),
      await getPreferences(store.db),
    );
  }

  async #begin(): Promise<void> {
    const { running } = dataPaths(this.options.dataDir);
    const events: RawEvent[] = [];
    // A running marker left behind means the last run did not stop cleanly.
    try {
      const previous = JSON.parse(await Deno.readTextFile(running));
      events.push({
        type: "crash",
        fields: {
          reason: previous.error ? "fatal_error" : "unclean_shutdown",
          started_at: Number.isSafeInteger(previous.startedAt) ? previous.startedAt : null,
          last_seen_at: Number.isSafeInteger(previous.lastSeenAt) ? previous.lastSeenAt : null,
          error_message: typeof previous.error === "string" ? previous.error : null,
          error_stack: typeof previous.stack === "string" ? previous.stack : null,
        },
      });
    } catch {
      // No marker: the previous run stopped cleanly, or there was none.
    }
    await this.#writeRunning();
    const installed = await getMeta(this.store.db, "installed_version");
    if (installed !== APP_VERSION) {
      events.push({
        type: "install",
        fields: {
          correlation_id: crypto.randomUUID(),
          version: APP_VERSION,
          severity: "Informational",
          code: installed === undefined ? "install" : "upgrade",
          text: installed === undefined
            ? `vitrine ${APP_VERSION} set up its data directory ${this.options.dataDir}`
            : `vitrine upgraded from ${installed} to ${APP_VERSION}`,
        },
      });
      await setMeta(this.store.db, "installed_version", APP_VERSION);
    }
    await this.record(events);
    const previousLevel = await getMeta(this.store.db, "diagnostic_level");
    await this.#applyLevel(previousLevel === "optional" ? "optional" : "required");
    await this.#recordConfiguration();
    await this.#restartSubsystem();

    const seconds = (flag: number | undefined, key: string) =>
      (flag ?? Number(this.#policy.settings[key])) * 1000;
    this.#scheduler.add({
      name: "system",
      intervalMs: seconds(this.options.systemInterval, "collection.systemInterval"),
      immediate: true,
      run: async () => {
        await this.record([{
          type: "system_statistics",
          fields: collectSystem(this.tiers("collect")),
        }]);
      },
    });
    this.#scheduler.add({
      name: "file_activity",
      intervalMs: seconds(this.options.fileActivityInterval, "collection.fileActivityInterval"),
      run: async () => {
        await this.#subsystem.ready();
        await this.record([{
          type: "kernel_statistics",
          fields: this.#subsystem.fields(this.tiers("collect")),
        }]);
      },
    });
    this.#scheduler.add({
      name: "policy",
      intervalMs: this.options.policyPollMs ?? 2000,
      run: () => this.reloadPolicy(),
    });
    this.#scheduler.add({
      name: "status",
      intervalMs: 10_000,
      immediate: true,
      run: () => this.#publishStatus(),
    });
    this.#scheduler.add({
      name: "retention",
      intervalMs: 60 * 60 * 1000,
      immediate: true,
      run: () => this.#applyRetention(),
    });
  }

  async #writeRunning(): Promise<void> {
    const { running } = dataPaths(this.options.dataDir);
    await Deno.writeTextFile(
      running,
      JSON.stringify({ pid: Deno.pid, startedAt: this.#startedAt, lastSeenAt: Date.now() }),
    );
  }

  /** The policy in effect. */
  get policy(): Policy {
    return this.#policy;
  }

  /** The common fields in effect. */
  get identity(): Identity {
    return this.#identity;
  }

  /** The tiers the policy lets through `boundary`. */
  tiers(boundary: Parameters<typeof allowedTiers>[1]): Tier[] {
    return allowedTiers(this.#policy, boundary);
  }

  /** Validates, filters and stores events (one transaction). */
  async record(events: readonly RawEvent[]): Promise<number> {
    return await recordEvents(this.store.db, this.#identity, this.#policy, events);
  }

  async #recordConfiguration(): Promise<void> {
    const snapshot = configurationFields(this.#policy);
    await this.record([
      { type: "configuration", fields: snapshot.configuration },
      { type: "auto_update_configuration", fields: snapshot.autoUpdate },
    ]);
  }

  /** Records the level change from `previous` to the level in effect. */
  async #applyLevel(previous: Tier): Promise<void> {
    const level = this.#policy.level;
    if (level === previous) return;
    let deleted = 0;
    let deletedAt: number | null = null;
    if (level === "required") {
      deleted = await deleteOptionalData(this.store.db);
      deletedAt = Date.now();
      this.options.log?.(
        `Diagnostic level lowered to required: deleted ${deleted} optional records`,
      );
    }
    await setMeta(this.store.db, "diagnostic_level", level);
    await this.record([{
      type: "diagnostic_level_change",
      fields: {
        from_level: previous,
        to_level: level,
        source: this.#policy.sources["cloudService.diagnosticLevel"] ?? "default",
        deleted_records: deleted,
        deleted_at: deletedAt,
      },
    }]);
  }

  async #restartSubsystem(): Promise<void> {
    const key = subsystemKey(this.#policy);
    if (key === this.#subsystemKey) return;
    this.#subsystemKey = key;
    this.#subsystem.stop();
    if (this.#policy.settings["antivirusEngine.enableRealTimeProtection"] !== true) return;
    await this.#subsystem.start({
      paths: this.#policy.settings["fileActivity.paths"] as string[],
      exclusions: exclusionsOf(this.#policy, this.options.dataDir),
      traceLevel: String(this.#policy.settings["fileActivity.traceLevel"]),
      observeKernel: this.tiers("collect").includes("optional"),
      ...(this.options.prefer ? { prefer: this.options.prefer } : {}),
    });
  }

  /**
   * Re-reads the managed file and local preferences; applies and records
   * any change. Safe to call at any time; calls are serialised.
   */
  reloadPolicy(): Promise<void> {
    this.#applying = this.#applying.then(async () => {
      if (this.#stopped) return;
      const next = await Agent.#resolve(this.store, this.options.managedFile);
      const signature = JSON.stringify([next.settings, next.managedState, next.problems]);
      if (signature === this.#policySignature) return;
      const previous = this.#policy;
      this.#policy = next;
      this.#policySignature = signature;
      this.#identity = {
        ...this.#identity,
        org_id: next.settings.orgId as string | null,
        release_ring: String(next.settings.releaseRing),
      };
      await this.#applyLevel(previous.level);
      await this.#recordConfiguration();
      await this.#restartSubsystem();
      if (this.options.systemInterval === undefined) {
        this.#scheduler.setInterval(
          "system",
          Number(next.settings["collection.systemInterval"]) * 1000,
        );
      }
      if (this.options.fileActivityInterval === undefined) {
        this.#scheduler.setInterval(
          "file_activity",
          Number(next.settings["collection.fileActivityInterval"]) * 1000,
        );
      }
    });
    return this.#applying;
  }

  /** Records a consent decision and its event. */
  async recordConsent(granted: boolean, actor: string, purpose: string): Promise<void> {
    await insertConsent(this.store.db, { purpose, granted, actor, time: Date.now() });
    await this.record([{ type: "support_log_consent", fields: { granted, actor, purpose } }]);
  }

  /** Runs a collector now (tests and the dashboard's refresh). */
  async collectNow(name: "system" | "file_activity"): Promise<void> {
    await this.#scheduler.runNow(name);
  }

  async #applyRetention(): Promise<void> {
    const days = Number(this.#policy.settings["retention.maxAgeDays"]);
    const cutoff = Date.now() - days * 86_400_000;
    await this.store.db.transaction().execute(async (trx) => {
      const old = trx.selectFrom("event").select("id").where("time", "<", cutoff);
      for (const tier of ["required", "optional"] as const) {
        await sql`DELETE FROM ${sql.table(`event_text_${tier}`)} WHERE rowid IN (${old})`.execute(
          trx,
        );
      }
      await trx.deleteFrom("event_part").where("event_id", "in", old).execute();
      await trx.deleteFrom("event").where("time", "<", cutoff).execute();
    });
    // Let SQLite refresh its planner statistics when they have drifted.
    await sql`PRAGMA optimize`.execute(this.store.db);
  }

  /** The agent's own status, as `vitrine health` shows it. */
  status(): AgentStatus {
    const problems = [...this.#problems, ...this.#subsystem.status().problems];
    for (const task of this.#scheduler.status()) {
      if (task.lastError) {
        problems.push(
          `Collector "${task.name}" failed ${task.consecutiveFailures} time(s): ${task.lastError}`,
        );
      }
    }
    return {
      pid: Deno.pid,
      startedAt: this.#startedAt,
      updatedAt: Date.now(),
      collectors: this.#scheduler.status(),
      subsystem: this.#subsystem.status(),
      cpuShare: this.#cpuShare,
      rssBytes: Deno.memoryUsage().rss,
      problems,
    };
  }

  async #publishStatus(): Promise<void> {
    const usage = getrusage();
    const cpu = usage.userCpuSeconds + usage.systemCpuSeconds;
    const now = performance.now();
    const wall = (now - this.#lastUsage.at) / 1000;
    if (wall > 0.5) this.#cpuShare = (cpu - this.#lastUsage.cpu) / wall;
    this.#lastUsage = { at: now, cpu };
    await setMeta(this.store.db, "agent_status", JSON.stringify(this.status()));
    await this.#writeRunning();
  }

  /** Flushes, stops the collectors and the subsystem, and releases the data directory. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#scheduler.stop();
    await this.#applying;
    this.#subsystem.stop();
    await setMeta(
      this.store.db,
      "agent_status",
      JSON.stringify({ ...this.status(), stoppedAt: Date.now() }),
    );
    await this.store.close();
    await Deno.remove(dataPaths(this.options.dataDir).running).catch(() => {});
    this.#lock.release();
  }
}
