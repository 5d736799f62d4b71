// The agent as shipped notices its managed file change without polling for
// it (its poll is once a minute then): a write, a replacement by rename and
// a removal each reach the running agent within seconds.
import { equal } from "node:assert/strict";
import { endChild, readUntil, runCli, spawnAgent, tempDir, waitFor } from "../_helpers.ts";

Deno.test("a managed file written, replaced or removed is applied within seconds, without waiting for the minute's poll", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(managed, "{}");
  const data = `${dir.path}/data`;
  const agent = spawnAgent(["--data-dir", data, "--port", "0", "--managed-config", managed]);
  try {
    await readUntil(agent.stderr, "Dashboard:");
    const level = async () =>
      JSON.parse((await runCli(["health", "--data-dir", data])).stdout).agent.level;
    const policyTask = async () =>
      JSON.parse((await runCli(["health", "--data-dir", data])).stdout).agent.collectors
        .find((t: { name: string }) => t.name === "policy");
    equal((await policyTask()).intervalMs, 60_000, "the poll is slow while the folder is watched");
    const optional = JSON.stringify({ cloudService: { diagnosticLevel: "optional" } });
    await Deno.writeTextFile(managed, optional);
    await waitFor("a write applied", async () => await level() === "optional", 10_000);
    await Deno.writeTextFile(`${managed}.new`, "{}");
    await Deno.rename(`${managed}.new`, managed);
    await waitFor("a replacement applied", async () => await level() === "required", 10_000);
    await Deno.writeTextFile(managed, optional);
    await waitFor("a write applied again", async () => await level() === "optional", 10_000);
    // A file that vanished counts only after a grace: the agent looks again quickly meanwhile.
    await Deno.remove(managed);
    await waitFor(
      "the removal applied after its grace",
      async () => await level() === "required",
      20_000,
    );
  } finally {
    await endChild(agent);
  }
});
