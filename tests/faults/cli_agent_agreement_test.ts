// Defect 12: the CLI shows what the running agent uses, and says when it
// was told otherwise.
import { equal, match, ok } from "node:assert/strict";
import { endChild, readUntil, runCli, spawnAgent, tempDir, waitFor } from "../_helpers.ts";

Deno.test("without --managed-config the CLI reads the running agent's managed file, and notes a different one", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/custom-managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const dataDir = `${dir.path}/data`;
  const agent = spawnAgent(["--data-dir", dataDir, "--port", "0", "--managed-config", managed]);
  try {
    await readUntil(agent.stderr, "Dashboard:");
    let health: { level: string; policy: { managedFile: string }; problems: string[] } = {
      level: "",
      policy: { managedFile: "" },
      problems: [],
    };
    await waitFor("the agent's status", async () => {
      const result = await runCli(["health", "--data-dir", dataDir]);
      health = JSON.parse(result.stdout);
      return result.code === 0 && health.policy.managedFile === managed;
    }, 20_000);
    equal(health.level, "optional");
    equal(health.problems.filter((p) => p.includes("this command")).length, 0);

    const other = await runCli([
      "health",
      "--data-dir",
      dataDir,
      "--managed-config",
      `${dir.path}/elsewhere.json`,
    ]);
    const told = JSON.parse(other.stdout);
    equal(told.level, "required");
    ok(told.problems.some((p: string) => p.includes(`reads the managed file "${managed}"`)));
    ok(
      told.problems.some((p: string) =>
        /runs at the optional level; this command computed required/.test(p)
      ),
    );
    match(other.stderr, /Note: The running agent/);
  } finally {
    agent.kill("SIGTERM");
    await agent.status;
    await agent.stderr.cancel().catch(() => {});
    await agent.stdout.cancel().catch(() => {});
  }
});

Deno.test("vitrine dashboard names the port the running agent really serves, and a URL that answers", async () => {
  await using dir = await tempDir();
  const dataDir = `${dir.path}/data`;
  const agent = spawnAgent([
    "--data-dir",
    dataDir,
    "--port",
    "0",
    "--managed-config",
    `${dir.path}/none.json`,
  ]);
  try {
    const said = await readUntil(agent.stderr, "Dashboard:");
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(said.slice(said.indexOf("Dashboard:")))?.[1]);
    ok(port > 0 && port !== 7878);
    let result = await runCli(["dashboard", "--data-dir", dataDir]);
    await waitFor("the agent to note its address", async () => {
      result = await runCli(["dashboard", "--data-dir", dataDir]);
      return result.stdout.includes(`:${port}/`);
    }, 30_000);
    equal(result.code, 0, result.stderr);
    const url = result.stdout.trim();
    match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[0-9a-f]{64}$`));
    const page = await fetch(url);
    equal(page.status, 200);
    await page.body?.cancel();
    const told = await runCli(["dashboard", "--data-dir", dataDir, "--port", "7878"]);
    match(told.stdout, new RegExp(`:${port}/`));
    match(told.stderr, new RegExp(`listens on port ${port}, not 7878`));
  } finally {
    await endChild(agent);
  }
  const idle = await runCli(["dashboard", "--data-dir", dataDir]);
  match(idle.stderr, /no agent serves a dashboard/);
  match(idle.stdout, /:7878\//);
});
