// Defect 4: support bundles follow the level in effect. Lowering the level
// re-cuts (or removes) existing bundles, and a bundle is cut to the level
// in effect whenever it is read.
import { buildHealth } from "../../agent/health.ts";
import { deepEqual, equal, ok } from "node:assert/strict";
import { dataPaths } from "../../store/data_paths.ts";
import {
  collectSupportBundle,
  readBundleContent,
  readSupportBundle,
  recutSupportBundles,
} from "../../support/collect_support_bundle.ts";
import { gunzipStream } from "../../export/gzip_stream.ts";
import { startTestAgent, tempDir } from "../_helpers.ts";

async function optionalBundle(dir: string) {
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const agent = await startTestAgent({ dataDir: `${dir}/data`, managedFile: managed });
  await agent.collectNow("system");
  equal((await agent.recordConsent(true, "Ada")).ok, true);
  const bundle = await collectSupportBundle(
    agent.store,
    `${dir}/data`,
    agent.policy,
    agent.identity,
    { health: () => buildHealth(agent.store, `${dir}/data`, agent.policy) },
  );
  return { agent, managed, bundle };
}

Deno.test("lowering the level re-cuts every stored bundle to the required tier", async () => {
  await using dir = await tempDir();
  const { agent, managed, bundle } = await optionalBundle(dir.path);
  await using _ = agent;
  const before = JSON.stringify(await readBundleContent(bundle.path));
  ok(before.includes("vmstat."), "an optional bundle holds vmstat fields");
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "required" } }),
  );
  await agent.reloadPolicy();
  const after = await readBundleContent(bundle.path);
  deepEqual(after.tiers, ["required"]);
  ok(!JSON.stringify(after).includes("vmstat."), "no optional field is left in the bundle");
  equal((await Deno.stat(bundle.path)).mode! & 0o777, 0o600);
});

Deno.test("a bundle read for sending is cut to the tiers asked for, whatever it holds", async () => {
  await using dir = await tempDir();
  const { agent, bundle } = await optionalBundle(dir.path);
  await using _ = agent;
  const { bytes, sha256 } = await readSupportBundle(bundle.path, ["required"]);
  const text = await new Response(gunzipStream(new Response(bytes).body!)).text();
  ok(!text.includes("vmstat."));
  ok(text.includes('"tiers":["required"]'));
  equal(sha256.length, 64);
  ok(
    JSON.stringify(await readBundleContent(bundle.path)).includes("vmstat."),
    "the file itself is unchanged",
  );
});

Deno.test("a bundle that cannot be re-cut is removed rather than kept", async () => {
  await using dir = await tempDir();
  const { support } = dataPaths(dir.path);
  await Deno.mkdir(support, { recursive: true });
  const broken = `${support}/vitrine-support-2026-11-24T00-00-00-000Z.json.gz`;
  await Deno.writeTextFile(broken, "not gzip at all");
  await Deno.writeTextFile(`${support}/unrelated.txt`, "kept");
  deepEqual(await recutSupportBundles(dir.path, ["required"]), { recut: 0, removed: 1 });
  await Deno.stat(`${support}/unrelated.txt`);
  ok(!(await Deno.stat(broken).then(() => true, () => false)));
});
