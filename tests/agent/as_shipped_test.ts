// Promises the README makes about a running agent, proven by the agent as
// it ships: started by `deno task start` (its permissions, V8 flags and
// environment), asked through `deno task vitrine`, never in-process.
import { equal, match } from "node:assert/strict";
import { healthOf, startAgent, stopAgent, vitrine } from "../../testing/shipped_agent.ts";
import { tempDir } from "../../testing/temp_dir.ts";
import { waitFor } from "../../testing/wait_for.ts";

async function fileText(path: string): Promise<string> {
  const main = await Deno.readFile(path);
  const wal = await Deno.readFile(`${path}-wal`).catch(() => new Uint8Array());
  return new TextDecoder("latin1").decode(main) + new TextDecoder("latin1").decode(wal);
}

async function counts(
  data: string,
  managed: string,
): Promise<{ required: number; optional: number }> {
  const health = await vitrine(["health", "--data-dir", data, "--managed-config", managed]);
  equal(health.code, 0, health.stderr);
  return JSON.parse(health.stdout).counts;
}

Deno.test("as shipped, lowering the level deletes every optional value from the database and its log", async () => {
  await using dir = await tempDir();
  const data = `${dir.path}/data`;
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const agent = await startAgent(data, ["--managed-config", managed, "--interval", "1"]);
  try {
    await waitFor(
      "optional statistics stored",
      async () => (await counts(data, managed)).optional >= 4,
      30_000,
    );
    await waitFor(
      "optional values in the file",
      async () => (await fileText(`${data}/vitrine.db`)).includes("vmstat."),
      30_000,
    );
    await Deno.writeTextFile(
      managed,
      JSON.stringify({ cloudService: { diagnosticLevel: "required" } }),
    );
    await waitFor(
      "the lowered level applied",
      async () => (await counts(data, managed)).optional === 0,
      30_000,
    );
    await waitFor(
      "every optional value gone from the file and its log",
      async () => !(await fileText(`${data}/vitrine.db`)).includes("vmstat."),
      30_000,
    );
    const change = await vitrine([
      "events",
      "--type",
      "diagnostic_level_change",
      "--data-dir",
      data,
      "--managed-config",
      managed,
    ]);
    match(change.stdout, /"to_level": "required"/);
  } finally {
    equal(await stopAgent(agent), 0, agent.output());
  }
});

Deno.test("as shipped, exports taken while the agent collects verify, from the command and the dashboard", async () => {
  await using dir = await tempDir();
  const data = `${dir.path}/data`;
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" }, retention: { maxSizeMB: 16 } }),
  );
  const agent = await startAgent(data, ["--managed-config", managed, "--interval", "1"]);
  try {
    await waitFor("some events", async () => (await counts(data, managed)).required >= 5, 30_000);
    for (let round = 0; round < 3; round++) {
      const out = `${dir.path}/export-${round}.ndjson`;
      const made = await vitrine([
        "export",
        "--format",
        "ndjson",
        "--out",
        out,
        "--data-dir",
        data,
        "--managed-config",
        managed,
      ]);
      equal(made.code, 0, made.stderr);
      const checked = await vitrine(["verify", out]);
      equal(checked.code, 0, checked.stdout + checked.stderr);
      match(checked.stdout, /^Intact: \d+ records/);
    }
    const response = await fetch(`${agent.url}/api/export?format=json`);
    equal(response.status, 200);
    const file = `${dir.path}/dashboard-export.json`;
    await Deno.writeFile(file, new Uint8Array(await response.arrayBuffer()));
    const checked = await vitrine(["verify", file]);
    equal(checked.code, 0, checked.stdout + checked.stderr);
  } finally {
    equal(await stopAgent(agent), 0, agent.output());
  }
});

Deno.test("as shipped, an agent over its memory budget sheds work, records it and says so in health", async () => {
  await using dir = await tempDir();
  const data = `${dir.path}/data`;
  const managed = `${dir.path}/managed.json`;
  // An agent as shipped takes some 60 MiB: a 32 MiB budget is exceeded from the first window.
  // (Only memory is in play: the CPU budget is one it never reaches.)
  await Deno.writeTextFile(
    managed,
    JSON.stringify({
      cloudService: { diagnosticLevel: "optional" },
      watchdog: { maxRssMB: 32, maxCpuPercent: 200 },
    }),
  );
  const agent = await startAgent(data, ["--managed-config", managed]);
  try {
    // Asked through the agent's own API: a command started every moment would
    // be file activity the agent counts.
    await waitFor("a watchdog_action record", async () => {
      const page = await fetch(`${agent.url}/api/events?type=watchdog_action`);
      return (await page.text()).includes('"action":"shed"');
    }, 90_000);
    // Health shows it once the agent publishes its status (every 10 s).
    let problems: string[] = [];
    await waitFor("health to say so", async () => {
      problems = (await healthOf(agent, ["--managed-config", managed])).problems as string[];
      return problems.some((p) => /over its rss budget .* sheds work/.test(p));
    }, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(problems)}`);
    });
  } finally {
    equal(await stopAgent(agent), 0, agent.output());
  }
});
