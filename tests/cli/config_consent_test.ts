import { equal, match, ok } from "node:assert/strict";
import { openStore } from "../../store/open_store.ts";
import { endChild, readUntil, runCli, spawnAgent, tempDir, writeManaged } from "../_helpers.ts";

async function dataDir(path: string): Promise<void> {
  const store = await openStore(`${path}/vitrine.db`);
  await store.close();
}

Deno.test("config set refuses a managed key, naming the managed file; local keys are validated and kept", async () => {
  await using dir = await tempDir();
  await dataDir(dir.path);
  const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "required" } });
  const flags = ["--data-dir", dir.path, "--managed-config", managed];
  const refused = await runCli([
    "config",
    "set",
    "cloudService.diagnosticLevel",
    "optional",
    ...flags,
  ]);
  equal(refused.code, 1);
  match(refused.stderr, new RegExp(`managed by "${managed}"`));
  const bad = await runCli(["config", "set", "cloudService.timeout", "999999", ...flags]);
  equal(bad.code, 2);
  match(
    bad.stderr,
    /"cloudService.timeout" is 999999: out of range; expected an integer from 1 to 3600/,
  );
  const unknown = await runCli(["config", "set", "cloudService.nope", "1", ...flags]);
  equal(unknown.code, 2);
  match(unknown.stderr, /unknown setting "cloudService.nope"/i);
  const set = await runCli([
    "config",
    "set",
    "cloudService.automaticSampleSubmissionConsent",
    "none",
    ...flags,
  ]);
  equal(set.code, 0, set.stderr);
  const shown = JSON.parse((await runCli(["config", "show", ...flags])).stdout) as {
    key: string;
    value: unknown;
    source: string;
  }[];
  const sample = shown.find((s) => s.key === "cloudService.automaticSampleSubmissionConsent");
  equal(sample?.value, "none");
  equal(sample?.source, "local");
  equal(shown.find((s) => s.key === "cloudService.diagnosticLevel")?.source, "managed");
  const health = JSON.parse((await runCli(["health", ...flags])).stdout);
  ok(
    health.policy.settings.find((s: { key: string; managed: boolean }) =>
      s.key === "cloudService.diagnosticLevel"
    ).managed,
  );
});

Deno.test("support logs are gathered only after consent, and consent can be withdrawn", async () => {
  await using dir = await tempDir();
  await dataDir(dir.path);
  const flags = ["--data-dir", dir.path, "--managed-config", `${dir.path}/none.json`];
  const before = await runCli(["support", "collect", ...flags]);
  equal(before.code, 1);
  match(before.stderr, /No consent to gather support logs/);
  equal(
    (await Array.fromAsync(Deno.readDir(dir.path))).some((e) => e.name === "support"),
    false,
    "nothing gathered",
  );
  const noActor = await runCli(["consent", "grant", ...flags]);
  equal(noActor.code, 2);
  equal((await runCli(["consent", "grant", "--actor", "Grace Hopper", ...flags])).code, 0);
  const shown = JSON.parse((await runCli(["consent", "show", ...flags])).stdout);
  equal(shown.actor, "Grace Hopper");
  equal(shown.granted, true);
  const collected = await runCli(["support", "collect", ...flags]);
  equal(collected.code, 0, collected.stderr);
  match(collected.stdout, /Support bundle written to .*\/support\/vitrine-support-.*\.json\.gz/);
  equal((await runCli(["consent", "revoke", "--actor", "Grace Hopper", ...flags])).code, 0);
  equal((await runCli(["support", "collect", ...flags])).code, 1);
});

Deno.test("right after config set, vitrine health and the running agent agree on the level", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(managed, "{}");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const child = spawnAgent([
    "--data-dir",
    dir.path,
    "--port",
    String(port),
    "--managed-config",
    managed,
  ]);
  try {
    await readUntil(child.stderr, "Dashboard:");
    const flags = ["--data-dir", dir.path];
    for (const level of ["optional", "required", "optional"]) {
      const set = await runCli(["config", "set", "cloudService.diagnosticLevel", level, ...flags]);
      equal(set.code, 0, set.stderr);
      match(set.stdout, /The running agent \(pid \d+\) applies it now/);
      const health = await runCli(["health", ...flags]);
      equal(health.code, 0, health.stderr);
      const report = JSON.parse(health.stdout);
      equal(report.level, level);
      equal(report.agent.level, level, "the agent's own level");
      ok(!health.stderr.includes("runs at the"), health.stderr);
      const api = await (await fetch(`http://127.0.0.1:${port}/api/health`)).json();
      equal(api.level, level, "the agent's API");
    }
  } finally {
    await endChild(child);
  }
});
