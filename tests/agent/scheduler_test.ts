import { equal, match, ok, throws } from "node:assert/strict";
import { Scheduler } from "../../agent/scheduler.ts";
import { waitFor } from "../_helpers.ts";

Deno.test("a hanging collector is cut off, recorded and retried with backoff while the others go on", async () => {
  const scheduler = new Scheduler();
  let healthyRuns = 0;
  let hangingRuns = 0;
  scheduler.add({
    name: "healthy",
    intervalMs: 30,
    immediate: true,
    run: () => Promise.resolve(void healthyRuns++),
  });
  scheduler.add({
    name: "hanging",
    intervalMs: 30,
    timeoutMs: 60,
    immediate: true,
    run: () => {
      hangingRuns++;
      return new Promise(() => {});
    },
  });
  try {
    await waitFor(
      "two failed runs",
      () => (scheduler.status().find((s) => s.name === "hanging")?.consecutiveFailures ?? 0) >= 2,
      10_000,
    );
    const hanging = scheduler.status().find((s) => s.name === "hanging")!;
    match(hanging.lastError ?? "", /took longer than 60 ms and was abandoned/);
    // Backoff: after two failures the next try waits four intervals, where
    // a healthy collector waits one (plus at most 10 % jitter).
    ok(hanging.nextRunAt! - Date.now() > 60, `next run in ${hanging.nextRunAt! - Date.now()} ms`);
    ok(healthyRuns >= 5, `healthy collector ran ${healthyRuns} times`);
    equal(scheduler.status().find((s) => s.name === "healthy")?.lastError, null);
    ok(hangingRuns >= 2 && hangingRuns <= 3, `${hangingRuns} runs`);
  } finally {
    await Promise.race([scheduler.stop(), new Promise((r) => setTimeout(r, 100))]);
  }
});

Deno.test("a collector that throws recovers its normal interval after one success", async () => {
  const scheduler = new Scheduler();
  let calls = 0;
  scheduler.add({
    name: "flaky",
    intervalMs: 20,
    immediate: true,
    run: () => (++calls === 1 ? Promise.reject(new Error("disk on fire")) : Promise.resolve()),
  });
  try {
    await waitFor("a success after the failure", () => calls >= 2, 5_000);
    await waitFor("the status to clear", () => scheduler.status()[0]!.lastError === null);
    equal(scheduler.status()[0]!.consecutiveFailures, 0);
  } finally {
    await scheduler.stop();
  }
});

Deno.test("a non-positive interval is refused with a RangeError naming the task", () => {
  throws(
    () => new Scheduler().add({ name: "bad", intervalMs: 0, run: () => Promise.resolve() }),
    /Interval of task "bad" must be positive, got 0/,
  );
});

Deno.test("runNow during a scheduled run waits for it, then runs afresh to see what changed since", async () => {
  const scheduler = new Scheduler();
  let world = "before";
  const seen: string[] = [];
  let release = () => {};
  let started = () => {};
  const firstStarted = new Promise<void>((resolve) => started = resolve);
  scheduler.add({
    name: "reader",
    intervalMs: 60_000,
    immediate: true,
    run: async () => {
      const read = world;
      if (seen.length === 0) {
        started();
        await new Promise<void>((resolve) => release = resolve);
      }
      seen.push(read);
    },
  });
  try {
    await firstStarted;
    world = "after";
    const now = scheduler.runNow("reader");
    release();
    await now;
    equal(seen.join(","), "before,after");
  } finally {
    await scheduler.stop();
  }
});
