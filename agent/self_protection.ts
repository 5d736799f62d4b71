/**
 * The agent's self-protection: the resource watchdog (its own CPU and
 * memory against budgets, shedding collection step by step) and the
 * liveness watch (systemd's watchdog, pinged only while work moves). The
 * agent owns one; this module wires both to the agent's scheduler,
 * collectors and records.
 *
 * @module
 */
import type { RawEvent } from "../catalog/raw_event.ts";
import { getrusage } from "../ffi/rusage.ts";
import type { Policy } from "../policy/policy.ts";
import {
  armCrashNote,
  clearWatchdogNote,
  type CrashState,
  writeWatchdogNote,
} from "./crash_note.ts";
import { LivenessWatch } from "./liveness_watch.ts";
import {
  ResourceWatchdog,
  type ShedStage,
  WATCHDOG_TIMING,
  type WatchdogStatus,
  type WatchdogTiming,
} from "./resource_watchdog.ts";
import { CpuMeter } from "./cpu_meter.ts";
import type { Scheduler, TaskStatus } from "./scheduler.ts";

/** What self-protection needs of the agent. */
export interface ProtectedAgent {
  dataDir: string;
  startedAt: number;
  policy(): Policy;
  tasks(): readonly TaskStatus[];
  crashState(): CrashState;
  /** Sheds collection up to `stage` (or gives it back). */
  shed(stage: ShedStage): Promise<void>;
  record(events: RawEvent[]): Promise<number>;
  log?: (message: string) => void;
}

/** The resource watchdog and the liveness watch of one agent. */
export class SelfProtection {
  readonly #agent: ProtectedAgent;
  readonly #timing: WatchdogTiming;
  readonly #watchdog: ResourceWatchdog;
  readonly #liveness: LivenessWatch;
  readonly #cpu = new CpuMeter();
  readonly #fault: "hang" | undefined;
  /** When a write to the database last completed: the liveness watch's sign of progress. */
  #lastWriteAt = Date.now();
  #cpuShare: number | null = null;
  /** Set by the injected hang: every write then waits forever. */
  #hanging = false;
  #disarmCrashNote: () => void = () => {};

  constructor(
    agent: ProtectedAgent,
    options: {
      timing?: WatchdogTiming | undefined;
      stallMs?: number | undefined;
      fault?: "hang" | undefined;
    } = {},
  ) {
    this.#agent = agent;
    this.#fault = options.fault;
    this.#timing = options.timing ?? WATCHDOG_TIMING;
    this.#watchdog = new ResourceWatchdog(this.#timing);
    this.#liveness = new LivenessWatch(options.stallMs);
  }

  /** Notes that a write to the database completed. */
  wrote(): void {
    this.#lastWriteAt = Date.now();
  }

  /** Waits before each write: forever once the injected hang (`VITRINE_FAULT=hang`) is on. */
  async beforeWrite(): Promise<void> {
    if (this.#hanging) await new Promise<never>(() => {});
  }

  /** Measures the agent's share of the CPU since the last call (what status shows). */
  sampleCpu(): void {
    this.#cpuShare = this.#cpu.sample() ?? this.#cpuShare;
  }

  /** Adds the watchdog's sampling task to `scheduler` (six samples per window), and the fault. */
  schedule(scheduler: Scheduler): void {
    if (this.#fault === "hang") setTimeout(() => this.#hanging = true, 2000);
    scheduler.add({
      name: "watchdog",
      intervalMs: Math.max(100, Math.round(this.#timing.windowMs / 6)),
      run: () => this.#sample(),
    });
  }

  async #sample(): Promise<void> {
    const usage = getrusage();
    const policy = this.#agent.policy();
    const step = this.#watchdog.observe(
      {
        at: performance.now(),
        cpuMs: (usage.userCpuSeconds + usage.systemCpuSeconds) * 1000,
        rssBytes: Deno.memoryUsage().rss,
      },
      {
        maxCpuPercent: policy.get("watchdog.maxCpuPercent"),
        maxRssMB: policy.get("watchdog.maxRssMB"),
      },
    );
    if (step === null) return;
    this.#agent.log?.(
      `Watchdog: ${step.action} (${step.budget} ${step.measured} against ${step.limit}); now shedding: ${step.stage}.`,
    );
    await this.#agent.shed(step.stage);
    await this.#agent.record([{ type: "watchdog_action", fields: { ...step } }]);
  }

  /** Tells systemd (when it watches) that the agent is ready, then that it lives while work moves. */
  ready(): void {
    const { dataDir, startedAt } = this.#agent;
    this.#liveness.ready({
      lastWriteAt: () => this.#lastWriteAt,
      tasks: () => this.#agent.tasks(),
      noteHang: (why) => {
        this.#agent.log?.(`Liveness lost: ${why}; systemd will restart the agent.`);
        try {
          writeWatchdogNote(dataDir, startedAt, why, this.#agent.crashState());
        } catch {
          // Nowhere to write: the running marker still tells of an unclean end.
        }
      },
      clearHang: () => clearWatchdogNote(dataDir),
    });
  }

  /** From now on a fatal error leaves a crash note before the process ends. */
  armCrashNote(): void {
    const { dataDir, startedAt } = this.#agent;
    this.#disarmCrashNote = armCrashNote(dataDir, startedAt, () => this.#agent.crashState());
  }

  /** Tells systemd the agent is stopping; a fatal error from now on is no crash to note. */
  stopping(): void {
    this.#liveness.stopping();
    this.#disarmCrashNote();
  }

  /** What health shows: the agent's CPU share, the watchdog and the liveness watch. */
  status(): {
    cpuShare: number | null;
    watchdog: WatchdogStatus;
    liveness: ReturnType<LivenessWatch["status"]>;
  } {
    return {
      cpuShare: this.#cpuShare,
      watchdog: this.#watchdog.status(),
      liveness: this.#liveness.status(),
    };
  }

  /** Health lines: a stall, a failing notification socket, work shed. */
  problems(): string[] {
    const out = this.#liveness.problems();
    const { stage, lastStep } = this.#watchdog.status();
    if (stage !== "none" && lastStep !== null) {
      out.push(
        `The agent is over its ${lastStep.budget} budget (${lastStep.measured} against ${lastStep.limit}) and sheds work: ${
          stage.replaceAll("_", " ")
        }. Required data is still collected; it resumes once back under budget.`,
      );
    }
    return out;
  }
}
