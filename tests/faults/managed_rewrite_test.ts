// Defect 5: rewriting a valid managed file in place (truncate, then write)
// must not delete optional data; failing closed stops collecting at once
// but deletes only after the invalid state has persisted.
import { equal, ok } from "node:assert/strict";
import { sql } from "kysely";
import type { Agent } from "../../agent/agent.ts";
import { FAIL_CLOSED_GRACE_MS } from "../../agent/level_keeper.ts";
import { startTestAgent, tempDir, waitFor } from "../_helpers.ts";

const OPTIONAL = new TextEncoder().encode(
  JSON.stringify({ cloudService: { diagnosticLevel: "optional" }, orgId: "acme" }),
);

async function optionalParts(agent: Agent): Promise<number> {
  const rows = await sql<
    { n: number }
  >`SELECT count(*) AS n FROM event_part WHERE tier = 'optional'`
    .execute(agent.store.db);
  return Number(rows.rows[0]?.n ?? 0);
}

/** `echo … > file`: truncate first, write a moment later. */
async function rewriteInPlace(path: string, pauseMs: number): Promise<void> {
  const file = await Deno.open(path, { write: true, truncate: true });
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  await file.write(OPTIONAL);
  file.close();
}

Deno.test("hundreds of rewrites in place of a valid managed file delete nothing", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeFile(managed, OPTIONAL);
  await using agent = await startTestAgent({
    dataDir: `${dir.path}/data`,
    managedFile: managed,
    policyPollMs: 5,
  });
  for (let i = 0; i < 3; i++) await agent.collectNow("system");
  const before = await optionalParts(agent);
  ok(before >= 3);
  for (let i = 0; i < 300; i++) await rewriteInPlace(managed, i % 3);
  await agent.reloadPolicy();
  equal(agent.policy.level, "optional");
  // A read that caught the file empty fails closed for a moment (and records
  // configuration snapshots), but nothing stored is deleted.
  ok(await optionalParts(agent) >= before, "no optional record was lost");
  const lowered = await sql<{ n: number }>`SELECT count(*) AS n FROM event
    WHERE type = 'diagnostic_level_change' AND id > ${0}`.execute(agent.store.db);
  equal(Number(lowered.rows[0]?.n), 1, "only the raise at start: the level was never lowered");
});

Deno.test("an invalid managed file stops optional collection at once but deletes only after the grace", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeFile(managed, OPTIONAL);
  await using agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  await agent.collectNow("system");
  const before = await optionalParts(agent);
  await Deno.writeTextFile(managed, '{"cloudService": {"diagnosticLevel": "everything"}}');
  await agent.reloadPolicy();
  equal(agent.policy.level, "required", "fail closed at once");
  await agent.collectNow("system");
  equal(await optionalParts(agent), before, "nothing optional collected, nothing deleted yet");
  await waitFor("the grace to pass and the deletion to happen", async () => {
    await agent.reloadPolicy();
    return (await optionalParts(agent)) === 0;
  }, FAIL_CLOSED_GRACE_MS + 5000);
});

Deno.test("an empty managed file that stays empty also ends in a deletion after the grace", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeFile(managed, OPTIONAL);
  await using agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  await agent.collectNow("system");
  await Deno.writeTextFile(managed, "");
  await agent.reloadPolicy();
  equal(agent.policy.managedState, "invalid");
  ok((await optionalParts(agent)) > 0);
  await waitFor("the deletion", async () => {
    await agent.reloadPolicy();
    return (await optionalParts(agent)) === 0;
  }, FAIL_CLOSED_GRACE_MS + 5000);
});
