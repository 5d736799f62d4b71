import { equal, match, notEqual, ok } from "node:assert/strict";
import { readUntil, runCli, spawnAgent, tempDir } from "../_helpers.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A `vitrine run` subprocess, started and serving. */
async function startAgent(args: string[]): Promise<Deno.ChildProcess> {
  const child = spawnAgent(args);
  await readUntil(child.stderr, "Dashboard:");
  return child;
}

/** Sends `signal` and returns the exit code, releasing the pipes. */
async function stopAgent(child: Deno.ChildProcess, signal: Deno.Signal): Promise<number> {
  child.kill(signal);
  const { code } = await child.status;
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});
  return code;
}

function agentArgs(dataDir: string, port: number): string[] {
  return [
    "--data-dir",
    dataDir,
    "--port",
    String(port),
    "--managed-config",
    `${dataDir}/none.json`,
  ];
}

async function cli(args: string[], dataDir: string): Promise<string> {
  const result = await runCli([
    ...args,
    "--data-dir",
    dataDir,
    "--managed-config",
    `${dataDir}/none.json`,
  ]);
  equal(result.code, 0, result.stderr);
  return result.stdout;
}

Deno.test("SIGTERM flushes and exits 0; a restart keeps the database and identity; a second agent is refused", async () => {
  await using dir = await tempDir();
  const port = freePort();
  const first = await startAgent(agentArgs(dir.path, port));
  const identity = await (await fetch(`http://127.0.0.1:${port}/api/identity`)).json();

  const second = await spawnAgent(agentArgs(dir.path, freePort())).output();
  equal(second.code, 1);
  match(new TextDecoder().decode(second.stderr), /already running with data directory/);

  equal(await stopAgent(first, "SIGTERM"), 0);
  const health = JSON.parse(await cli(["health"], dir.path));
  ok(health.counts.required >= 3, "install, configuration and system events were flushed");

  const again = await startAgent(agentArgs(dir.path, port));
  const identity2 = await (await fetch(`http://127.0.0.1:${port}/api/identity`)).json();
  equal(identity2.sense_guid, identity.sense_guid);
  equal(identity2.machine_guid, identity.machine_guid);
  equal(await stopAgent(again, "SIGINT"), 0);
  equal(
    JSON.parse(await cli(["events", "--type", "crash"], dir.path)).length,
    0,
    "a clean stop is not a crash",
  );
});

Deno.test("an agent killed without warning is recorded as a crash at the next start", async () => {
  await using dir = await tempDir();
  const args = agentArgs(dir.path, freePort());
  // The first start creates the database, so that the level can be set.
  equal(await stopAgent(await startAgent(args), "SIGTERM"), 0);
  await cli(["config", "set", "cloudService.diagnosticLevel", "optional"], dir.path);
  notEqual(await stopAgent(await startAgent(args), "SIGKILL"), 0);
  equal(await stopAgent(await startAgent(args), "SIGTERM"), 0);
  const crashes = JSON.parse(await cli(["events", "--type", "crash"], dir.path));
  equal(crashes.length, 1);
  equal(crashes[0].parts.required.reason, "unclean_shutdown");
  equal(typeof crashes[0].parts.required.crashed_at, "number");
  notEqual(crashes[0].parts.optional.started_at, null);
  equal(crashes[0].parts.optional.error_message, null, "nothing was caught");
});

Deno.test("with --port 0 the agent serves on the port it was given; --listen 0.0.0.0 warns and wants a token for reads", async () => {
  await using dir = await tempDir();
  const child = spawnAgent([
    "--data-dir",
    dir.path,
    "--port",
    "0",
    "--listen",
    "0.0.0.0",
    "--managed-config",
    `${dir.path}/none.json`,
  ]);
  const text = await readUntil(child.stderr, "with its token)");
  match(text, /Warning: the dashboard listens on 0\.0\.0\.0, reachable beyond this machine/);
  match(text, /reads included, needs a token/);
  const port = Number(/Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//.exec(text)?.[1] ?? NaN);
  ok(port > 0);
  const status = (headers: HeadersInit = {}) =>
    fetch(`http://127.0.0.1:${port}/api/health`, { headers }).then((r) =>
      r.body?.cancel().then(() => r.status)
    );
  equal(await status(), 401);
  const read = (await runCli(["dashboard", "--read-token", "--data-dir", dir.path])).stdout.trim();
  equal(await status({ authorization: `Bearer ${read}` }), 200);
  equal(await stopAgent(child, "SIGTERM"), 0);
});
