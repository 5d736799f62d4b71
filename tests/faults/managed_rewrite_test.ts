// Rewriting a valid managed file in place (truncate, then write) must not
// delete optional data: failing closed stops collecting, showing and
// sending at once, but deleting needs an unambiguous instruction, and an
// invalid file never is one.
import { equal, ok } from "node:assert/strict";
import { sql } from "kysely";
import type { Agent } from "../../agent/agent.ts";
import { VANISHED_GRACE_MS } from "../../policy/deletion_gate.ts";
import { listEvents } from "../../store/event_queries.ts";
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

Deno.test("a storm of rewrites in place for longer than any grace deletes nothing", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeFile(managed, OPTIONAL);
  await using agent = await startTestAgent({
    dataDir: `${dir.path}/data`,
    managedFile: managed,
    policyPollMs: 20,
  });
  for (let i = 0; i < 3; i++) await agent.collectNow("system");
  const before = await optionalParts(agent);
  const until = Date.now() + VANISHED_GRACE_MS + 2000;
  while (Date.now() < until) await rewriteInPlace(managed, 15);
  await agent.reloadPolicy();
  equal(agent.policy.level, "optional");
  ok(await optionalParts(agent) >= before, "no optional record was lost");
});

Deno.test("an invalid managed file withholds optional data at once and deletes none of it, however long it stays", async () => {
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
  const shown = await listEvents(agent.store.db, { allowed: ["required"], limit: 50 });
  ok(shown.every((event) => event.parts.optional === undefined), "nothing optional is shown");
  await new Promise((resolve) => setTimeout(resolve, VANISHED_GRACE_MS + 500));
  await agent.reloadPolicy();
  equal(await optionalParts(agent), before, "nothing optional collected, nothing deleted");
  // Fixed as it was: everything is there again.
  await Deno.writeFile(managed, OPTIONAL);
  await agent.reloadPolicy();
  equal(agent.policy.level, "optional");
  ok(await optionalParts(agent) >= before, "all of it is there again");
  // Fixed to say required: that is an instruction, and it deletes.
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "required" } }),
  );
  await agent.reloadPolicy();
  equal(await optionalParts(agent), 0);
});

Deno.test("a managed file that vanishes deletes only once it has stayed gone", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeFile(managed, OPTIONAL);
  await using agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  await agent.collectNow("system");
  const before = await optionalParts(agent);
  // rm; cp: gone for a moment.
  await Deno.remove(managed);
  await agent.reloadPolicy();
  equal(agent.policy.level, "required");
  await Deno.writeFile(managed, OPTIONAL);
  await agent.reloadPolicy();
  ok(await optionalParts(agent) >= before, "back in time: nothing deleted");
  // Gone for good.
  await Deno.remove(managed);
  await agent.reloadPolicy();
  ok((await optionalParts(agent)) > 0, "not at once");
  await waitFor("the deletion once the file stayed gone", async () => {
    await agent.reloadPolicy();
    return (await optionalParts(agent)) === 0;
  }, VANISHED_GRACE_MS + 5000);
});
