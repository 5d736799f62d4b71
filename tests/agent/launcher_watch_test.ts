// `vitrine run` stops cleanly when whatever launched it is gone (npm killed
// under `npx … task start` leaves `deno task` and the agent behind).
import { equal, ok } from "node:assert/strict";
import { shippedAgentCommand, tempDir, waitFor } from "../_helpers.ts";

const alive = (pid: number) => {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
};

Deno.test("an agent whose launcher is killed stops cleanly instead of running on orphaned", async () => {
  await using dir = await tempDir();
  // As `deno task start` runs it (its flags include --exit-with-launcher).
  const shipped = shippedAgentCommand([
    "--data-dir",
    dir.path,
    "--port",
    "0",
    "--managed-config",
    `${dir.path}/none.json`,
  ]);
  const agent = [
    ...Object.entries(shipped.env).map(([key, value]) => `${key}='${value}'`),
    ...shipped.command.map((arg) => `'${arg}'`),
  ].join(" ");
  // A launcher in a session of its own, like npm: it starts the agent and waits.
  const launcher = new Deno.Command("setsid", {
    args: ["sh", "-c", `${agent} 2>"${dir.path}/agent.err" & echo $!; sleep 600`],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = launcher.stdout.getReader();
  const pid = Number(new TextDecoder().decode((await reader.read()).value).trim());
  reader.releaseLock();
  ok(pid > 0);
  await waitFor("the agent to serve", async () => {
    return (await Deno.readTextFile(`${dir.path}/agent.err`).catch(() => "")).includes(
      "Dashboard:",
    );
  }, 20_000);
  launcher.kill("SIGKILL");
  await launcher.status;
  await launcher.stdout.cancel().catch(() => {});
  await waitFor("the orphaned agent to stop", () => !alive(pid), 15_000);
  const said = await Deno.readTextFile(`${dir.path}/agent.err`);
  ok(/Stopping on no launcher/.test(said), said);
  // It stopped as on SIGTERM: the running marker is gone, so no crash will be recorded.
  ok(!alive(pid));
  equal(
    await Deno.stat(`${dir.path}/running.json`).then(() => "left behind", () => "removed"),
    "removed",
  );
});
