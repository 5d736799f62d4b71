import { deepEqual, equal } from "node:assert/strict";
import { ResourceWatchdog, type WatchdogStep } from "../../agent/resource_watchdog.ts";

const MIB = 1024 * 1024;
const TIMING = { windowMs: 10_000, recoverMs: 20_000 };
const BUDGET = { maxCpuPercent: 20, maxRssMB: 100 };

/** Feeds one sample a second at `cpuPercent` of one core and `rssMB`, for `seconds`. */
function run(
  watchdog: ResourceWatchdog,
  clock: { at: number; cpuMs: number },
  seconds: number,
  cpuPercent: number,
  rssMB: number,
  budget = BUDGET,
): WatchdogStep[] {
  const steps: WatchdogStep[] = [];
  for (let i = 0; i < seconds; i++) {
    clock.at += 1000;
    clock.cpuMs += cpuPercent * 10;
    const step = watchdog.observe({ ...clock, rssBytes: rssMB * MIB }, budget);
    if (step) steps.push(step);
  }
  return steps;
}

Deno.test("over the CPU budget the watchdog sheds one stage per window, in order, and no further", () => {
  const watchdog = new ResourceWatchdog(TIMING);
  const clock = { at: 0, cpuMs: 0 };
  const steps = run(watchdog, clock, 60, 50, 40);
  deepEqual(steps.map((s) => [s.action, s.budget, s.stage]), [
    ["shed", "cpu", "longer_intervals"],
    ["shed", "cpu", "optional_paused"],
    ["shed", "cpu", "file_activity_paused"],
  ]);
  equal(steps[0]!.measured, 50);
  equal(steps[0]!.limit, 20);
  equal(watchdog.stage, "file_activity_paused");
});

Deno.test("a burst is judged over the whole window: a start-up second at 90 % sheds nothing", () => {
  const watchdog = new ResourceWatchdog(TIMING);
  const clock = { at: 0, cpuMs: 0 };
  deepEqual(run(watchdog, clock, 1, 90, 40), []);
  deepEqual(run(watchdog, clock, 30, 2, 40), []);
  equal(watchdog.stage, "none");
  equal(watchdog.status().cpuPercent, 2);
});

Deno.test("memory that stays above its budget sheds; a moment's peak does not", () => {
  const watchdog = new ResourceWatchdog(TIMING);
  const clock = { at: 0, cpuMs: 0 };
  deepEqual(run(watchdog, clock, 9, 1, 40), []);
  // One sample over the budget in the window: the least over the window is under it.
  deepEqual(run(watchdog, clock, 1, 1, 300), []);
  deepEqual(run(watchdog, clock, 5, 1, 40), []);
  const steps = run(watchdog, clock, 12, 1, 150);
  deepEqual(steps.map((s) => [s.action, s.budget, s.stage]), [["shed", "rss", "longer_intervals"]]);
});

Deno.test("back well under budget for the recovery time, stages come back one at a time", () => {
  const watchdog = new ResourceWatchdog(TIMING);
  const clock = { at: 0, cpuMs: 0 };
  run(watchdog, clock, 40, 50, 40);
  equal(watchdog.stage, "file_activity_paused");
  // Just under the budget is not "well under": nothing comes back (no flapping at the edge).
  deepEqual(run(watchdog, clock, 60, 19, 40), []);
  const steps = run(watchdog, clock, 100, 5, 40);
  deepEqual(steps.map((s) => [s.action, s.stage]), [
    ["restore", "optional_paused"],
    ["restore", "longer_intervals"],
    ["restore", "none"],
  ]);
  equal(watchdog.status().lastStep?.action, "restore");
});

Deno.test("a budget raised by the policy lets the stages come back without any change in use", () => {
  const watchdog = new ResourceWatchdog(TIMING);
  const clock = { at: 0, cpuMs: 0 };
  run(watchdog, clock, 15, 50, 40);
  equal(watchdog.stage, "longer_intervals");
  const steps = run(watchdog, clock, 30, 50, 40, { maxCpuPercent: 100, maxRssMB: 100 });
  deepEqual(steps.map((s) => [s.action, s.stage]), [["restore", "none"]]);
});
