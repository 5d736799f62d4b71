import { deepEqual, equal, match, ok } from "node:assert/strict";
import { buildHealth } from "../../agent/health.ts";
import { listEvents } from "../../store/event_queries.ts";
import { startTestAgent, tempDir, waitFor, writeManaged } from "../_helpers.ts";

Deno.test("over a small memory budget the agent sheds step by step, records it, keeps required data, and gives it back", async () => {
  await using dir = await tempDir();
  const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "optional" } });
  const agent = await startTestAgent({
    dataDir: dir.path,
    managedFile: managed,
    // A window of a second, so the test need not wait minutes.
    watchdogTiming: { windowMs: 1000, recoverMs: 2000 },
  });
  try {
    // Only the memory budget is in play (a busy test process may well use 25 % of a core).
    equal((await agent.changePreference("watchdog.maxCpuPercent", 200)).ok, true);
    // The test process alone is far above 32 MiB: the budget is exceeded at once.
    equal((await agent.changePreference("watchdog.maxRssMB", 32)).ok, true);
    const steps = () =>
      listEvents(agent.store.db, { allowed: ["required"], type: "watchdog_action", limit: 10 });
    // The stage changes, then its record is written: wait for the records.
    await waitFor("every stage shed and recorded", async () => (await steps()).length >= 3, 20_000);
    equal(agent.status().watchdog.stage, "file_activity_paused");
    const shed = await steps();
    deepEqual(
      shed.reverse().map((
        e,
      ) => [e.parts.required?.action, e.parts.required?.budget, e.parts.required?.stage]),
      [
        ["shed", "rss", "longer_intervals"],
        ["shed", "rss", "optional_paused"],
        ["shed", "rss", "file_activity_paused"],
      ],
    );
    ok((shed[0]!.parts.required!.measured as number) > 32, "the measured value is recorded");
    equal(shed[0]!.parts.required!.limit, 32);

    // Shedding: intervals four times longer, required data only, level unchanged.
    const system = agent.status().collectors.find((task) => task.name === "system")!;
    equal(system.intervalMs, 3600 * 1000 * 4);
    await agent.collectNow("system");
    const [latest] = await listEvents(agent.store.db, {
      allowed: ["required", "optional"],
      type: "system_statistics",
      limit: 1,
    });
    ok(latest?.parts.required, "required statistics are still collected");
    equal(latest?.parts.optional, undefined, "no optional statistics while they are shed");
    equal(agent.policy.level, "optional", "the level itself is untouched");
    const health = await buildHealth(agent.store, dir.path, agent.policy, agent.status());
    ok(
      health.problems.some((p) =>
        /over its rss budget .* sheds work: file activity paused/.test(p)
      ),
      health.problems.join("\n"),
    );

    // A budget it fits in: everything comes back, one stage at a time.
    equal((await agent.changePreference("watchdog.maxRssMB", 4096)).ok, true);
    await waitFor(
      "every stage restored and recorded",
      async () => (await steps()).length >= 6,
      20_000,
    );
    equal(agent.status().watchdog.stage, "none");
    const all = await steps();
    deepEqual(
      all.slice(0, 3).reverse().map((e) => [e.parts.required?.action, e.parts.required?.stage]),
      [["restore", "optional_paused"], ["restore", "longer_intervals"], ["restore", "none"]],
    );
    equal(
      agent.status().collectors.find((task) => task.name === "system")!.intervalMs,
      3600 * 1000,
    );
    await agent.collectNow("system");
    const [after] = await listEvents(agent.store.db, {
      allowed: ["required", "optional"],
      type: "system_statistics",
      limit: 1,
    });
    ok(after?.parts.optional, "optional statistics are collected again");
    match(JSON.stringify(agent.status().watchdog.budget), /"maxRssMB":4096/);
  } finally {
    await agent.stop();
  }
});
