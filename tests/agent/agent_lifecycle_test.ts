import { equal, match, notEqual, ok } from "node:assert/strict";
import { readUntil, runCli, spawnAgent, tempDir } from "../_helpers.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function health(dataDir: string): Promise<Record<string, unknown>> {
  const result = await runCli([
    "health",
    "--data-dir",
    dataDir,
    "--managed-config",
    `${dataDir}/none.json`,
  ]);
  equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

Deno.test("SIGTERM flushes and exits 0; a restart keeps the database and identity; a second agent is refused", async () => {
  await using dir = await tempDir();
  const port = freePort();
  const args = [
    "--data-dir",
    dir.path,
    "--port",
    String(port),
    "--managed-config",
    `${dir.path}/none.json`,
  ];
  const first = spawnAgent(args);
  await readUntil(first.stderr, "Dashboard:");
  const response = await fetch(`http://127.0.0.1:${port}/api/identity`);
  const identity = await response.json();

  // A second agent on the same data directory is refused.
  const second = spawnAgent([
    ...args.slice(0, 2),
    "--port",
    String(freePort()),
    ...args.slice(4),
  ]);
  const secondOut = await second.output();
  equal(secondOut.code, 1);
  match(new TextDecoder().decode(secondOut.stderr), /already running with data directory/);

  first.kill("SIGTERM");
  const status = await first.status;
  equal(status.code, 0);
  const afterFirst = await health(dir.path);
  const counts = afterFirst.counts as { required: number };
  ok(counts.required >= 3, "install, configuration and system events were flushed");

  const again = spawnAgent(args);
  await readUntil(again.stderr, "Dashboard:");
  const identity2 = await (await fetch(`http://127.0.0.1:${port}/api/identity`)).json();
  equal(identity2.sense_guid, identity.sense_guid);
  equal(identity2.machine_guid, identity.machine_guid);
  again.kill("SIGINT");
  equal((await again.status).code, 0);
  await first.stdout.cancel();
  await again.stdout.cancel();
  await again.stderr.cancel().catch(() => {});
  await first.stderr.cancel().catch(() => {});
  await second.stdout?.cancel?.().catch(() => {});
  const events = await runCli(["events", "--data-dir", dir.path, "--type", "crash"]);
  equal(JSON.parse(events.stdout).length, 0, "a clean stop is not a crash");
});

Deno.test("an agent killed without warning is recorded as a crash at the next start", async () => {
  await using dir = await tempDir();
  const port = freePort();
  const args = [
    "--data-dir",
    dir.path,
    "--port",
    String(port),
    "--managed-config",
    `${dir.path}/none.json`,
  ];
  const first = spawnAgent(args);
  await readUntil(first.stderr, "Dashboard:");
  first.kill("SIGKILL");
  await first.status;
  await first.stdout.cancel();
  const again = spawnAgent(args);
  await readUntil(again.stderr, "Dashboard:");
  again.kill("SIGTERM");
  equal((await again.status).code, 0);
  await again.stdout.cancel();
  // Crash events are optional data: at the default required level only
  // their existence would be recorded if they had a required field, and
  // they have none, so raise the level to see them.
  const set = await runCli([
    "config",
    "set",
    "cloudService.diagnosticLevel",
    "optional",
    "--data-dir",
    dir.path,
    "--managed-config",
    `${dir.path}/none.json`,
  ]);
  equal(set.code, 0, set.stderr);
  const third = spawnAgent(args);
  await readUntil(third.stderr, "Dashboard:");
  third.kill("SIGKILL");
  await third.status;
  await third.stdout.cancel();
  const fourth = spawnAgent(args);
  await readUntil(fourth.stderr, "Dashboard:");
  fourth.kill("SIGTERM");
  await fourth.status;
  await fourth.stdout.cancel();
  const crashes = JSON.parse(
    (await runCli([
      "events",
      "--data-dir",
      dir.path,
      "--type",
      "crash",
      "--managed-config",
      `${dir.path}/none.json`,
    ])).stdout,
  );
  equal(crashes.length, 1);
  equal(crashes[0].parts.optional.reason, "unclean_shutdown");
  notEqual(crashes[0].parts.optional.started_at, null);
});
