/**
 * Runs collectors on their intervals, with jitter, a time limit and
 * backoff after failures. One collector's trouble never stops the others.
 * Runs land on the shared timer grid, so that tasks due about the same
 * time wake the process once.
 *
 * @module
 */
import { alignedDelay } from "../collectors/aligned_timer.ts";
import { backoffDelay } from "../uplink/backoff.ts";

/** The state of one scheduled task, as health reports it. */
export interface TaskStatus {
  name: string;
  intervalMs: number;
  lastRunAt: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  runs: number;
  nextRunAt: number | null;
}

/** A health problem for each task whose last run failed. */
export function taskProblems(tasks: readonly TaskStatus[]): string[] {
  return tasks.filter((task) => task.lastError).map((task) =>
    `Task "${task.name}" failed ${task.consecutiveFailures} time(s): ${task.lastError}`
  );
}

/** A task to schedule. */
export interface TaskOptions {
  name: string;
  intervalMs: number;
  /** A run that takes longer is abandoned and counted as failed. */
  timeoutMs?: number;
  /** Run once right away instead of after the first interval. */
  immediate?: boolean;
  run: () => Promise<void>;
  /**
   * Whether a failure with `error` makes the next run wait longer (doubling
   * per failure). When false the task is simply retried after its interval.
   * Default: always back off.
   */
  backoff?: (error: unknown) => boolean;
}

/** Spread runs by up to this share of their interval. */
const JITTER = 0.1;
const MAX_BACKOFF_MS = 10 * 60 * 1000;

interface Task {
  options: TaskOptions;
  status: TaskStatus;
  /** Whether the last failure asked for a longer wait. */
  backingOff: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  running: Promise<void> | null;
  /** Holds under way (see {@linkcode Scheduler.hold}): while any, runs are skipped. */
  held: number;
}

/** The collector scheduler. */
export class Scheduler {
  readonly #tasks = new Map<string, Task>();
  #stopped = false;

  /** Adds a task and schedules its first run. */
  add(options: TaskOptions): void {
    if (!(options.intervalMs > 0)) {
      throw new RangeError(
        `Interval of task "${options.name}" must be positive, got ${options.intervalMs}`,
      );
    }
    const task: Task = {
      options,
      status: {
        name: options.name,
        intervalMs: options.intervalMs,
        lastRunAt: null,
        lastDurationMs: null,
        lastError: null,
        consecutiveFailures: 0,
        runs: 0,
        nextRunAt: null,
      },
      timer: undefined,
      running: null,
      backingOff: false,
      held: 0,
    };
    this.#tasks.set(options.name, task);
    this.#schedule(task, options.immediate ? 0 : this.#jittered(options.intervalMs));
  }

  /** Changes a task's interval from its next run on. */
  setInterval(name: string, intervalMs: number): void {
    const task = this.#tasks.get(name);
    if (!task || task.options.intervalMs === intervalMs) return;
    task.options = { ...task.options, intervalMs };
    task.status.intervalMs = intervalMs;
    clearTimeout(task.timer);
    this.#schedule(task, this.#jittered(intervalMs));
  }

  /**
   * Runs a task now (outside its schedule) and waits for it. A run already
   * under way may have read the world before the caller changed it, so it
   * is waited for and a fresh run follows.
   */
  async runNow(name: string): Promise<void> {
    const task = this.#tasks.get(name);
    if (!task) return;
    while (task.running) await task.running;
    await this.#run(task);
  }

  #jittered(ms: number): number {
    return Math.max(0, Math.round(ms * (1 + (Math.random() * 2 - 1) * JITTER)));
  }

  #schedule(task: Task, delay: number): void {
    if (this.#stopped) return;
    const aligned = alignedDelay(delay);
    task.status.nextRunAt = Date.now() + aligned;
    task.timer = setTimeout(async () => {
      await this.#run(task);
      const failures = task.status.consecutiveFailures;
      // After failures, wait the interval doubled per failure (capped): the one back-off.
      const next = failures === 0 || !task.backingOff
        ? this.#jittered(task.options.intervalMs)
        : backoffDelay(failures, { firstMs: task.options.intervalMs * 2, capMs: MAX_BACKOFF_MS });
      this.#schedule(task, next);
    }, aligned);
  }

  async #run(task: Task): Promise<void> {
    if (task.running) return await task.running;
    if (task.held > 0) return;
    const started = performance.now();
    task.status.lastRunAt = Date.now();
    const timeoutMs = task.options.timeoutMs ?? Math.max(5000, task.options.intervalMs);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `Task "${task.options.name}" took longer than ${timeoutMs} ms and was abandoned`,
            ),
          ),
        timeoutMs,
      );
    });
    task.running = (async () => {
      try {
        await Promise.race([task.options.run(), limit]);
        task.status.lastError = null;
        task.status.consecutiveFailures = 0;
        task.backingOff = false;
      } catch (error) {
        task.status.lastError = error instanceof Error ? error.message : String(error);
        task.status.consecutiveFailures++;
        task.backingOff = task.options.backoff?.(error) ?? true;
      } finally {
        clearTimeout(timer);
        task.status.runs++;
        task.status.lastDurationMs = performance.now() - started;
        task.running = null;
      }
    })();
    await task.running;
  }

  /**
   * Runs `work` while the tasks `names` do not run: it waits for their runs
   * under way, and runs due meanwhile are skipped (the next is at its time).
   */
  async hold<T>(names: readonly string[], work: () => Promise<T>): Promise<T> {
    const tasks = names.flatMap((name) => this.#tasks.get(name) ?? []);
    for (const task of tasks) task.held++;
    try {
      for (const task of tasks) while (task.running) await task.running;
      return await work();
    } finally {
      for (const task of tasks) task.held--;
    }
  }

  /** The status of every task. */
  status(): TaskStatus[] {
    return [...this.#tasks.values()].map((task) => ({ ...task.status }));
  }

  /** Stops scheduling and waits for runs under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const task of this.#tasks.values()) clearTimeout(task.timer);
    await Promise.all([...this.#tasks.values()].map((task) => task.running));
  }
}
