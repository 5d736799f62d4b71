// Defects 1 and 3: a deletion of optional data that fails (a full disk)
// must be retried until it succeeds, must never block later policy work,
// and must keep optional data from every view meanwhile; a full disk is
// reported as a full disk and retried at the collection interval.
import { equal, match, ok, rejects } from "node:assert/strict";
import { sql } from "kysely";
import type { Agent } from "../../agent/agent.ts";
import { buildHealth } from "../../agent/health.ts";
import { utf8Stream } from "../../export/gzip_stream.ts";
import { exportEvents } from "../../export/export_events.ts";
import { allowedTiers } from "../../policy/tiers.ts";
import { listEvents } from "../../store/event_queries.ts";
import { fillDisk, mountTmpfs, startTestAgent, tempDir, waitFor } from "../_helpers.ts";
import { requires } from "../../testing/requires.ts";

async function storedOptional(agent: Agent): Promise<number> {
  const rows = await sql<
    { n: number }
  >`SELECT count(*) AS n FROM event_part WHERE tier = 'optional'`
    .execute(agent.store.db);
  return Number(rows.rows[0]?.n ?? 0);
}

/** Checks that nothing optional can be read through the agent's policy. */
async function nothingOptionalVisible(agent: Agent): Promise<void> {
  const shown = await listEvents(agent.store.db, { allowed: allowedTiers(agent.policy, "show") });
  ok(shown.every((e) => e.parts.optional === undefined), "no optional part is shown");
  const text = await new Response(
    utf8Stream(exportEvents(agent.store, agent.policy, agent.identity, { format: "ndjson" })),
  ).text();
  ok(!text.includes('"optional":{'), "no optional part is exported");
  equal(allowedTiers(agent.policy, "send").includes("optional"), false);
}

async function managedAt(path: string, level: string, extra: object = {}): Promise<void> {
  await Deno.writeTextFile(
    path,
    JSON.stringify({ cloudService: { diagnosticLevel: level }, ...extra }),
  );
}

Deno.test("a deletion that fails is retried until it succeeds, and later policy changes still apply", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await managedAt(managed, "optional");
  await using agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  for (let i = 0; i < 3; i++) await agent.collectNow("system");
  ok(await storedOptional(agent) >= 3);
  // The deletion fails the way a full disk makes it fail.
  await sql`CREATE TEMP TRIGGER refuse_delete BEFORE DELETE ON event_part
    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`.execute(agent.store.db);

  await managedAt(managed, "required");
  await rejects(agent.reloadPolicy(), /is full/);
  equal(agent.policy.level, "required");
  ok(await storedOptional(agent) >= 3, "the data is still stored");
  await nothingOptionalVisible(agent);
  const health = await buildHealth(
    agent.store,
    agent.options.dataDir,
    agent.policy,
    agent.status(),
  );
  ok(
    health.problems.some((p) => /could not be deleted/.test(p) && /is full/.test(p)),
    health.problems.join("\n"),
  );

  // Later changes still apply while the deletion keeps failing.
  await managedAt(managed, "required", { orgId: "acme-9" });
  await rejects(agent.reloadPolicy());
  equal(agent.identity.org_id, "acme-9");
  const change = await agent.changePreference("edr.latencyMode", "low");
  equal(change.ok, true, "a preference change is answered, not a rollback error");

  await sql`DROP TRIGGER refuse_delete`.execute(agent.store.db);
  await agent.reloadPolicy();
  equal(await storedOptional(agent), 0);
  const [recorded] = await listEvents(agent.store.db, {
    allowed: ["required"],
    type: "diagnostic_level_change",
    limit: 1,
  });
  equal(recorded?.parts.required?.to_level, "required");
  ok((recorded?.parts.required?.deleted_records as number) >= 3);
});

Deno.test("a write on a full database names the full disk, not a failed rollback, and is retried at its interval", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await managedAt(managed, "optional");
  await using agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  const pages = await sql<{ page_count: number }>`PRAGMA page_count`.execute(agent.store.db);
  await sql.raw(`PRAGMA max_page_count = ${pages.rows[0]!.page_count}`).execute(agent.store.db);
  for (let i = 0; i < 5; i++) await agent.collectNow("system");
  const task = agent.status().collectors.find((t) => t.name === "system")!;
  ok(task.consecutiveFailures > 0, "the writes failed");
  match(task.lastError ?? "", /The disk holding ".*" is full/);
  ok(!/rollback/i.test(task.lastError ?? ""), task.lastError ?? "");
  // No backoff for a full disk: the next run is one interval away, not doubled.
  ok(
    task.nextRunAt! - Date.now() <= task.intervalMs * 1.1 + 1000,
    `next run in ${task.nextRunAt! - Date.now()} ms`,
  );
});

Deno.test({
  name:
    "on a real full disk the lowered level is kept, optional data hidden, and the deletion done once space returns (needs root for tmpfs)",
  ...requires("root", "mount", "umount"),
  sanitizeResources: false,
  fn: async () => {
    await using dir = await tempDir();
    await using disk = await mountTmpfs(`${dir.path}/small`, 3);
    const managed = `${dir.path}/managed.json`;
    await managedAt(managed, "optional");
    const agent = await startTestAgent({
      dataDir: `${disk.path}/data`,
      managedFile: managed,
      policyPollMs: 100,
    });
    try {
      for (let i = 0; i < 4; i++) await agent.collectNow("system");
      ok(await storedOptional(agent) >= 4);
      const filler = await fillDisk(disk.path);
      await managedAt(managed, "required");
      await waitFor("the level to be lowered", () => agent.policy.level === "required");
      // The witness that the deletion was tried: its failure, in health.
      await waitFor(
        "the failed deletion reported",
        () => agent.status().problems.some((p) => /disk|full|delet/i.test(p)),
        30_000,
      );
      ok(await storedOptional(agent) > 0, "the deletion cannot happen on a full disk");
      await nothingOptionalVisible(agent);
      const health = await buildHealth(
        agent.store,
        agent.options.dataDir,
        agent.policy,
        agent.status(),
      );
      ok(
        health.problems.some((p) => /The disk holding ".*" is full/.test(p)),
        `a full disk is named: ${health.problems.join("\n")}`,
      );
      ok(!health.problems.some((p) => /rollback/i.test(p)), health.problems.join("\n"));
      await managedAt(managed, "required", { orgId: "acme-3" });
      await waitFor("a later change to apply", () => agent.identity.org_id === "acme-3");

      await Deno.remove(filler);
      await waitFor("the deletion to succeed", async () => (await storedOptional(agent)) === 0);
    } finally {
      await agent.stop();
    }
  },
});
