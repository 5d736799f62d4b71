import { deepEqual, equal, ok } from "node:assert/strict";
import { collectSupportBundle, readBundleContent } from "../../support/collect_support_bundle.ts";
import { startTestAgent, tempDir } from "../_helpers.ts";

async function bundleAt(level: "required" | "optional") {
  const dir = await tempDir();
  const logs = `${dir.path}/log`;
  await Deno.mkdir(logs);
  await Deno.writeTextFile(`${logs}/install.log`, "2026-11-24T06:00:00Z c1 postinst: install\n");
  await Deno.writeTextFile(`${logs}/vitrine.log`, "2026-11-24T06:00:01Z agent started\n");
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(managed, JSON.stringify({ cloudService: { diagnosticLevel: level } }));
  const agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  equal((await agent.recordConsent(true, "Ada")).ok, true);
  const bundle = await collectSupportBundle(
    agent.store,
    `${dir.path}/data`,
    agent.policy,
    agent.identity,
    logs,
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
