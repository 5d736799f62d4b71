// Defects 2, 8 and 9: a managed path that is not a plain readable file
// (a FIFO, a device, a kernel pseudo-file, a dangling link) is reported in
// the admin's terms, fails closed, and never blocks the agent.
import { equal, match, ok } from "node:assert/strict";
import { readManagedFile } from "../../policy/read_managed_file.ts";
import { readUntil, sh, spawnAgent, startTestAgent, tempDir, waitFor } from "../_helpers.ts";

async function problemOf(path: string): Promise<string> {
  const reading = await readManagedFile(path);
  equal(reading.state, "invalid", path);
  return reading.problems.map((p) => p.message).join(" | ");
}

Deno.test("a FIFO, a device, a directory and a kernel pseudo-file are refused by what they are", async () => {
  await using dir = await tempDir();
  const fifo = `${dir.path}/managed.json`;
  await sh("mkfifo", [fifo]);
  const started = performance.now();
  match(await problemOf(fifo), /is not a regular file: it is a FIFO/);
  ok(performance.now() - started < 1000, "reading a FIFO does not wait for a writer");
  match(await problemOf("/dev/null"), /is not a regular file: it is a character device/);
  match(await problemOf(dir.path), /is not a regular file: it is a directory/);
  match(await problemOf("/proc/self/status"), /is not a regular file: it is a kernel pseudo-file/);
  ok(!(await problemOf("/proc/self/status")).includes("--allow"), "no advice about Deno flags");
});

Deno.test("a symbolic link to nothing is a problem, not an absent file", async () => {
  await using dir = await tempDir();
  const link = `${dir.path}/managed.json`;
  await Deno.symlink(`${dir.path}/gone.json`, link);
  match(await problemOf(link), /is a symbolic link to ".*gone\.json", which does not exist/);
  equal((await readManagedFile(`${dir.path}/absent.json`)).state, "absent");
  // A link to a real file is read through.
  await Deno.writeTextFile(`${dir.path}/gone.json`, '{"orgId": "acme"}');
  equal((await readManagedFile(link)).state, "valid");
});

Deno.test("a FIFO swapped in and out of the managed path never stalls the policy", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await sh("mkfifo", [managed]);
  await using agent = await startTestAgent({
    dataDir: `${dir.path}/data`,
    managedFile: managed,
    policyPollMs: 50,
  });
  equal(agent.policy.managedState, "invalid");
  equal(agent.policy.level, "required");
  await Deno.remove(managed);
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  await waitFor("the fixed file to be picked up", () => agent.policy.level === "optional", 5000);
  await Deno.remove(managed);
  await sh("mkfifo", [managed]);
  await waitFor("the FIFO to be noticed", () => agent.policy.managedState === "invalid", 5000);
  const task = agent.status().collectors.find((t) => t.name === "policy")!;
  ok(!/abandoned/.test(task.lastError ?? ""), task.lastError ?? "");
});

Deno.test("with a FIFO at the managed path SIGTERM stops the agent at once and frees its data directory", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await sh("mkfifo", [managed]);
  const args = ["--data-dir", `${dir.path}/data`, "--port", "0", "--managed-config", managed];
  const first = spawnAgent(args);
  await readUntil(first.stderr, "Dashboard:");
  const stopping = performance.now();
  first.kill("SIGTERM");
  equal((await first.status).code, 0);
  ok(performance.now() - stopping < 5000, "stopped within 5 s");
  await first.stderr.cancel().catch(() => {});
  await first.stdout.cancel().catch(() => {});
  const second = spawnAgent(args);
  await readUntil(second.stderr, "Dashboard:");
  second.kill("SIGTERM");
  equal((await second.status).code, 0, "the lock was released");
  await second.stderr.cancel().catch(() => {});
  await second.stdout.cancel().catch(() => {});
});
