/**
 * The resource watchdog: the agent's own CPU and memory against budgets
 * (`watchdog.maxCpuPercent`, `watchdog.maxRssMB`) over a sliding window.
 * Over budget it sheds work one stage at a time, a window apart; back
 * under budget (with a margin) for long enough, it gives the stages back
 * one at a time. It decides; the agent applies the stage and records each
 * step. Pure: it is fed samples, so the tests drive it with numbers.
 *
 * @module
 */

/** What is shed, from none to the most, in the order the agent sheds it. */
export const SHED_STAGES = [
  "none",
  "longer_intervals",
  "optional_paused",
  "file_activity_paused",
] as const;

/** One of {@linkcode SHED_STAGES}. */
export type ShedStage = (typeof SHED_STAGES)[number];

/** The budgets: percent of one core over the window, and resident memory. */
export interface WatchdogBudget {
  maxCpuPercent: number;
  maxRssMB: number;
}

/** One reading of the agent's own use: CPU time so far and resident memory now. */
export interface WatchdogSample {
  /** Wall time (ms, monotonic). */
  at: number;
  /** CPU time used by the process so far (ms). */
  cpuMs: number;
  rssBytes: number;
}

/** A step the agent must take and record. */
export interface WatchdogStep {
  action: "shed" | "restore";
  budget: "cpu" | "rss";
  /** Percent of one core (cpu) or MiB (rss), over the window. */
  measured: number;
  limit: number;
  /** The stage after this step. */
  stage: ShedStage;
}

/** What health shows of the watchdog. */
export interface WatchdogStatus {
  stage: ShedStage;
  budget: WatchdogBudget;
  /** Over the window; null until the window holds two samples. */
  cpuPercent: number | null;
  rssMB: number | null;
  /** The last step taken, with when (epoch ms). */
  lastStep: (WatchdogStep & { at: number }) | null;
}

/** Timing of the watchdog (milliseconds). */
export interface WatchdogTiming {
  /** The window use is measured over, and the least time between two sheds. */
  windowMs: number;
  /** How long use must stay under budget before a stage is given back. */
  recoverMs: number;
}

/** The default timing: a 30 s window, a minute under budget to give a stage back. */
export const WATCHDOG_TIMING: WatchdogTiming = { windowMs: 30_000, recoverMs: 60_000 };

/** Use below this share of a budget counts as back under it (no flapping at the edge). */
const MARGIN = 0.8;

const MIB = 1024 * 1024;

/** Decides, sample by sample, what to shed and when to give it back. */
export class ResourceWatchdog {
  readonly #timing: WatchdogTiming;
  #samples: WatchdogSample[] = [];
  #stage = 0;
  #lastChangeAt = -Infinity;
  #underSince: number | null = null;
  #lastBudget: "cpu" | "rss" = "cpu";
  #lastStep: WatchdogStatus["lastStep"] = null;
  #budget: WatchdogBudget = { maxCpuPercent: 100, maxRssMB: 1024 };
  #use: { cpuPercent: number | null; rssMB: number | null } = { cpuPercent: null, rssMB: null };

  constructor(timing: WatchdogTiming = WATCHDOG_TIMING) {
    this.#timing = timing;
  }

  /** The stage in effect. */
  get stage(): ShedStage {
    return SHED_STAGES[this.#stage]!;
  }

  /** Takes one sample under `budget`; returns the step to take, if any. */
  observe(sample: WatchdogSample, budget: WatchdogBudget, now = Date.now()): WatchdogStep | null {
    this.#budget = budget;
    this.#samples.push(sample);
    while (this.#samples.length > 2 && sample.at - this.#samples[1]!.at >= this.#timing.windowMs) {
      this.#samples.shift();
    }
    const first = this.#samples[0]!;
    const span = sample.at - first.at;
    // Judged only over (most of) a full window: a start-up burst is not a trend.
    if (span < this.#timing.windowMs * 0.9) return null;
    const cpuPercent = ((sample.cpuMs - first.cpuMs) / span) * 100;
    // The least resident memory over the window: memory that stays, not a moment's peak.
    const rssMB = Math.min(...this.#samples.map((s) => s.rssBytes)) / MIB;
    this.#use = { cpuPercent, rssMB };
    const overCpu = cpuPercent > budget.maxCpuPercent;
    const overRss = rssMB > budget.maxRssMB;
    if (overCpu || overRss) {
      this.#underSince = null;
      this.#lastBudget = overCpu ? "cpu" : "rss";
      if (this.#stage === SHED_STAGES.length - 1) return null;
      if (sample.at - this.#lastChangeAt < this.#timing.windowMs) return null;
      return this.#step("shed", overCpu ? "cpu" : "rss", sample, now);
    }
    const wellUnder = cpuPercent < budget.maxCpuPercent * MARGIN &&
      rssMB < budget.maxRssMB * MARGIN;
    if (!wellUnder || this.#stage === 0) {
      this.#underSince = null;
      return null;
    }
    this.#underSince ??= sample.at;
    if (sample.at - this.#underSince < this.#timing.recoverMs) return null;
    this.#underSince = sample.at;
    return this.#step("restore", this.#lastBudget, sample, now);
  }

  #step(
    action: "shed" | "restore",
    budget: "cpu" | "rss",
    sample: WatchdogSample,
    now: number,
  ): WatchdogStep {
    this.#stage += action === "shed" ? 1 : -1;
    this.#lastChangeAt = sample.at;
    // What the new stage costs is measured afresh.
    this.#samples = [sample];
    const step: WatchdogStep = {
      action,
      budget,
      measured: Math.round(
        (budget === "cpu" ? this.#use.cpuPercent! : this.#use.rssMB!) * 10,
      ) / 10,
      limit: budget === "cpu" ? this.#budget.maxCpuPercent : this.#budget.maxRssMB,
      stage: this.stage,
    };
    this.#lastStep = { ...step, at: now };
    return step;
  }

  /** The stage, the budgets, the use over the last window and the last step. */
  status(): WatchdogStatus {
    return {
      stage: this.stage,
      budget: this.#budget,
      cpuPercent: this.#use.cpuPercent === null ? null : Math.round(this.#use.cpuPercent * 10) / 10,
      rssMB: this.#use.rssMB === null ? null : Math.round(this.#use.rssMB * 10) / 10,
      lastStep: this.#lastStep,
    };
  }
}
