import { equal, ok } from "node:assert/strict";
import { exportEvents, POLICY_CHECK_MS } from "../../export/export_events.ts";
import { verifyExport } from "../../export/verify_export.ts";
import { evictToFit, usedBytes } from "../../store/quota_queries.ts";
import { deleteEventsBefore } from "../../store/retention_queries.ts";
import { installEvent, runCli, startTestAgent, tempDir, waitFor } from "../_helpers.ts";

const SEEDED = 15_000;

/** Records `count` events one second apart, ending now. */
async function seed(agent: Awaited<ReturnType<typeof startTestAgent>>, count: number) {
  const start = Date.now() - count * 1000;
  for (let first = 0; first < count; first += 1000) {
    await agent.record(
      Array.from(
        { length: Math.min(1000, count - first) },
        (_, i) => installEvent(`seeded ${first + i}`, start + (first + i) * 1000),
      ),
    );
  }
}

/**
 * Keeps `agent` busy as a loaded agent is while `during` runs: events
 * recorded every few milliseconds, the oldest evicted to fit a shrinking
 * limit, and old events expired.
 */
async function underLoad<T>(
  agent: Awaited<ReturnType<typeof startTestAgent>>,
  during: () => Promise<T>,
): Promise<{ result: T; recorded: number; evictions: number }> {
  let running = true;
  let recorded = 0;
  let evictions = 0;
  const db = agent.store.db;
  const load = (async () => {
    let round = 0;
    while (running) {
      round++;
      await agent.record(
        Array.from({ length: 20 }, () => installEvent(`load round ${round}`)),
      );
      recorded += 20;
      if (round % 5 === 0) {
        const used = await usedBytes(db);
        const removed = await evictToFit(db, used - 64 * 1024, used - 128 * 1024);
        evictions += removed.reduce((sum, e) => sum + e.evicted, 0);
      }
      if (round % 7 === 0) {
        // The seeded events are one a second, ending now: expire the oldest.
        await deleteEventsBefore(db, Date.now() - (SEEDED - round * 40) * 1000);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    const result = await during();
    return { result, recorded, evictions };
  } finally {
    running = false;
    await load;
  }
}

Deno.test("an export taken while the agent records, evicts and expires is one snapshot that verifies", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/managed.json`,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const agent = await startTestAgent({ dataDir: dir.path, intervals: { system: 1 } });
  try {
    await seed(agent, SEEDED);
    // Read as a slow client would, so that the agent works between chunks.
    const slowly = async () => {
      let text = "";
      const stream = exportEvents(agent.store, agent.policy, agent.identity, { format: "ndjson" });
      for await (const chunk of stream) {
        text += chunk;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return text;
    };
    const { result: text, recorded, evictions } = await underLoad(agent, slowly);
    ok(recorded > 0 && evictions > 0, `the load ran (${recorded} recorded, ${evictions} evicted)`);
    const report = await verifyExport(new Response(text).body!);
    ok(report.ok, JSON.stringify(report.problem));
    const lines = text.trim().split("\n");
    const manifest = JSON.parse(lines[0]!).manifest;
    const byType = Object.values(manifest.counts.by_type as Record<string, object>);
    equal(manifest.counts.total, report.records);
    equal(lines.length - 2, report.records);
    ok(byType.length > 0);
  } finally {
    await agent.stop();
  }
});

Deno.test("vitrine export in another process, while the agent records and evicts, verifies", async () => {
  await using dir = await tempDir();
  const agent = await startTestAgent({ dataDir: dir.path, intervals: { system: 1 } });
  try {
    await seed(agent, SEEDED);
    const out = `${dir.path}/x.ndjson`;
    const { result } = await underLoad(
      agent,
      () => runCli(["export", "--data-dir", dir.path, "--format", "ndjson", "--out", out]),
    );
    equal(result.code, 0, result.stderr);
    const verified = await runCli(["verify", out]);
    equal(verified.code, 0, verified.stdout + verified.stderr);
    const manifest = JSON.parse((await Deno.readTextFile(out)).split("\n", 1)[0]!).manifest;
    const lines = (await Deno.readTextFile(out)).trim().split("\n").length;
    equal(manifest.counts.total, lines - 2);
  } finally {
    await agent.stop();
  }
});

Deno.test("an export stops with an error when the level is lowered while it runs", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/managed.json`,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const agent = await startTestAgent({ dataDir: dir.path, intervals: { system: 1 } });
  try {
    await seed(agent, 5_000);
    const stream = exportEvents(
      agent.store,
      agent.policy,
      agent.identity,
      { format: "ndjson" },
      { policyNow: () => agent.policy },
    );
    const reader = stream.getReader();
    await reader.read();
    await Deno.writeTextFile(
      `${dir.path}/managed.json`,
      JSON.stringify({ cloudService: { diagnosticLevel: "required" } }),
    );
    await agent.reloadPolicy();
    equal(agent.policy.level, "required");
    // The export asks the policy again once POLICY_CHECK_MS has passed since it last did.
    const loweredAt = Date.now();
    await waitFor(
      "the export's next look at the policy",
      () => Date.now() > loweredAt + POLICY_CHECK_MS,
    );
    let failure: Error | null = null;
    try {
      while (!(await reader.read()).done);
    } catch (error) {
      failure = error as Error;
    }
    ok(failure, "the export did not stop");
    ok(/no longer allows optional/.test(failure.message), failure.message);
  } finally {
    await agent.stop();
  }
});
