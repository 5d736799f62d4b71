import { deepEqual, equal, ok } from "node:assert/strict";
import { sql } from "kysely";
import { buildHealth } from "../../agent/health.ts";
import { listEvents } from "../../store/event_queries.ts";
import { startTestAgent, tempDir, waitFor, writeManaged } from "../_helpers.ts";

async function fileText(path: string): Promise<string> {
  const main = await Deno.readFile(path);
  const wal = await Deno.readFile(`${path}-wal`).catch(() => new Uint8Array());
  return new TextDecoder("latin1").decode(main) + new TextDecoder("latin1").decode(wal);
}

Deno.test("lowering the level on a running agent deletes the optional data from the database file and records it", async () => {
  await using dir = await tempDir();
  const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "optional" } });
  const agent = await startTestAgent({ dataDir: dir.path, managedFile: managed });
  try {
    for (let i = 0; i < 3; i++) await agent.collectNow("system");
    await agent.collectNow("file_activity");
    const before = await buildHealth(agent.store, dir.path, agent.policy);
    ok(before.counts.optional >= 4, `optional parts stored: ${before.counts.optional}`);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(agent.store.db);
    const db = `${dir.path}/vitrine.db`;
    ok((await fileText(db)).includes("vmstat."), "optional values are in the file before");

    await Deno.writeTextFile(
      managed,
      JSON.stringify({ cloudService: { diagnosticLevel: "required" } }),
    );
    await agent.reloadPolicy();
    equal(agent.policy.level, "required");
    const after = await buildHealth(agent.store, dir.path, agent.policy);
    equal(after.counts.optional, 0);
    ok(
      !(await fileText(db)).includes("vmstat."),
      "optional values must be gone from the file and its WAL",
    );
    const [change] = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "diagnostic_level_change",
      limit: 1,
    });
    deepEqual(
      [
        change?.parts.required?.from_level,
        change?.parts.required?.to_level,
        change?.parts.required?.source,
      ],
      ["optional", "required", "managed"],
    );
    equal(change?.parts.required?.deleted_records, before.counts.optional);
    ok(typeof change?.parts.required?.deleted_at === "number");

    // From now on no optional field is collected at all.
    await agent.collectNow("system");
    await agent.collectNow("file_activity");
    equal((await buildHealth(agent.store, dir.path, agent.policy)).counts.optional, 0);
  } finally {
    await agent.stop();
  }
});

Deno.test("a managed file written while the agent runs is picked up without restart and recorded", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  const agent = await startTestAgent({
    dataDir: dir.path,
    managedFile: managed,
    policyPollMs: 100,
  });
  try {
    const count = async () =>
      (await listEvents(agent.store.db, { allowed: ["required"], type: "configuration" })).length;
    equal(await count(), 1);
    await Deno.writeTextFile(
      managed,
      JSON.stringify({ orgId: "acme-7", edr: { earlyPreview: true } }),
    );
    await waitFor("the managed change", async () => (await count()) === 2);
    equal(agent.identity.org_id, "acme-7");
    const [latest] = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "configuration",
      limit: 1,
    });
    equal(latest?.parts.required?.["edr.early_preview"], true);
    equal(latest?.common.org_id, "acme-7");
    const health = await buildHealth(agent.store, dir.path, agent.policy, agent.status());
    ok(health.policy.settings.find((s) => s.key === "orgId")?.managed);

    // A broken file never widens collection and is reported precisely.
    await Deno.writeTextFile(managed, '{"cloudService": {"diagnosticLevel": "everything"}}');
    await waitFor("the broken file to be noticed", () => agent.policy.managedState === "invalid");
    equal(agent.policy.level, "required");
    const broken = await buildHealth(agent.store, dir.path, agent.policy, agent.status());
    ok(
      broken.problems.some((p) => p.includes(managed) && p.includes('"everything"')),
      broken.problems.join("\n"),
    );
  } finally {
    await agent.stop();
  }
});
