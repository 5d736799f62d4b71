import { buildHealth } from "../../agent/health.ts";
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { listEvents } from "../../store/event_queries.ts";
import {
  collectSupportBundle,
  ConsentRequiredError,
  readBundleContent,
} from "../../support/collect_support_bundle.ts";
import { startTestAgent, tempDir, writeManaged } from "../_helpers.ts";

async function bundleAt(level: "required" | "optional") {
  const dir = await tempDir();
  const logs = `${dir.path}/log`;
  await Deno.mkdir(logs);
  await Deno.writeTextFile(`${logs}/install.log`, "2026-11-24T06:00:00Z c1 postinst: install\n");
  await Deno.writeTextFile(`${logs}/vitrine.log`, "2026-11-24T06:00:01Z agent started\n");
  const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: level } });
  const agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  equal((await agent.recordConsent(true, "Ada")).ok, true);
  const bundle = await collectSupportBundle(
    agent.store,
    `${dir.path}/data`,
    agent.policy,
    agent.identity,
    { health: () => buildHealth(agent.store, `${dir.path}/data`, agent.policy), logDir: logs },
  );
  await agent.stop();
  return { dir, content: await readBundleContent(bundle.path), managed, logs };
}

Deno.test("a bundle carries the install log and the managed file, and the agent log at the optional level", async () => {
  const optional = await bundleAt("optional");
  await using _ = optional.dir;
  const files = optional.content.files as { file: string; kind: string; tier: string }[];
  deepEqual(files.map((f) => [f.kind, f.tier]), [
    ["install log", "required"],
    ["agent log", "optional"],
    ["configuration", "required"],
  ]);
  equal(files[2]!.file, optional.managed);

  const required = await bundleAt("required");
  await using __ = required.dir;
  const kinds = (required.content.files as { kind: string }[]).map((f) => f.kind);
  deepEqual(kinds, ["install log", "configuration"]);
  ok(!JSON.stringify(required.content).includes("agent started"));
});

Deno.test("withdrawing consent deletes the bundles gathered under it, and the next refusal names the withdrawal", async () => {
  await using dir = await tempDir();
  const dataDir = `${dir.path}/data`;
  const agent = await startTestAgent({ dataDir });
  try {
    equal((await agent.recordConsent(true, "Ada")).ok, true);
    const first = await collectSupportBundle(agent.store, dataDir, agent.policy, agent.identity, {
      health: () => buildHealth(agent.store, dataDir, agent.policy),
    });
    await collectSupportBundle(agent.store, dataDir, agent.policy, agent.identity, {
      health: () => buildHealth(agent.store, dataDir, agent.policy),
    });
    const withdrawn = await agent.recordConsent(false, "Grace");
    ok(withdrawn.ok);
    equal(withdrawn.bundlesDeleted, 2);
    deepEqual(await Array.fromAsync(Deno.readDir(`${dataDir}/support`)), []);
    ok(!(await Deno.stat(first.path).then(() => true, () => false)));
    const [record] = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "support_log_consent",
      limit: 1,
    });
    equal(record?.parts.required?.bundles_deleted, 2);
    const refused = await collectSupportBundle(agent.store, dataDir, agent.policy, agent.identity, {
      health: () => buildHealth(agent.store, dataDir, agent.policy),
    })
      .then(() => null, (error: Error) => error);
    ok(refused instanceof ConsentRequiredError);
    match(refused.message, /withdrawn by Grace at 20\d\d-/);
  } finally {
    await agent.stop();
  }
});
