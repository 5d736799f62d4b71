// A fatal error leaves a note on disk before the process ends; the next
// start records it as a crash, at the required level too.
import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { dataPaths } from "../../store/data_paths.ts";
import { readUntil, spawnAgent, tempDir, writeManaged } from "../_helpers.ts";
import { crashes, restartOnce } from "./_restarts.ts";

async function dieOf(fault: string, dataDir: string, managed: string): Promise<number> {
  const child = spawnAgent(
    ["--data-dir", dataDir, "--port", "0", "--managed-config", managed],
    { VITRINE_FAULT: fault },
  );
  const { code } = await child.output();
  return code;
}

Deno.test("an uncaught exception is written down before exit and recorded at the required level", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/none.json`;
  notEqual(await dieOf("uncaught_exception", dir.path, managed), 0, "the process fails");
  const note = JSON.parse(await Deno.readTextFile(dataPaths(dir.path).crashNote));
  equal(note.reason, "uncaught_exception");
  await restartOnce(dir.path, managed);
  const [crash, ...more] = await crashes(dir.path, managed);
  deepEqual(more, []);
  equal(crash.parts.required.reason, "uncaught_exception");
  equal(crash.parts.required.crashed_version, crash.common.app_version);
  ok(crash.parts.required.crashed_at <= Date.now());
  equal(crash.parts.optional, undefined, "the state is optional data");
  ok(
    !(await Deno.stat(dataPaths(dir.path).crashNote).then(() => true, () => false)),
    "note cleared",
  );
});

Deno.test("an unhandled rejection is recorded with the state of the agent at the optional level", async () => {
  await using dir = await tempDir();
  const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "optional" } });
  notEqual(await dieOf("unhandled_rejection", dir.path, managed), 0);
  await restartOnce(dir.path, managed);
  const [crash] = await crashes(dir.path, managed);
  equal(crash.parts.required.reason, "unhandled_rejection");
  match(crash.parts.optional.error_message, /fault injected by VITRINE_FAULT/);
  match(crash.parts.optional.error_stack ?? "", /run_command\.ts/);
  equal(crash.parts.optional.error_name, "Error");
  equal(crash.parts.optional.last_level, "optional");
  equal(crash.parts.optional.managed_state, "valid");
  ok(crash.parts.optional.rss > 0);
  ok(crash.parts.optional.uptime >= 0.5, `uptime ${crash.parts.optional.uptime}`);
  ok(crash.parts.optional.collector_states.system.runs >= 1);
});

/**
 * Starts the agent on `dataDir` as a user would and stops it with SIGTERM;
 * the agent must serve within the bound and exit 0 (it flushed).
 */
async function startsAndStops(dataDir: string, managed: string): Promise<string> {
  const child = spawnAgent(["--data-dir", dataDir, "--port", "0", "--managed-config", managed]);
  let said = "";
  try {
    said = await readUntil(child.stderr, "Dashboard:", 20_000);
  } finally {
    child.kill("SIGTERM");
    const { code } = await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    equal(code, 0, `the agent did not stop cleanly: ${said}`);
  }
  return said;
}

async function mkfifo(path: string): Promise<void> {
  ok((await new Deno.Command("mkfifo", { args: [path] }).output()).success, "mkfifo");
}

for (const name of ["crash-note.json", "running.json"]) {
  Deno.test(`a FIFO as ${name} never holds up a start, and is set aside and reported`, async () => {
    await using dir = await tempDir();
    const managed = `${dir.path}/none.json`;
    await mkfifo(`${dir.path}/${name}`);
    const said = await startsAndStops(dir.path, managed);
    match(said, /is not a regular file: it is a FIFO/);
    const [crash, ...more] = await crashes(dir.path, managed);
    deepEqual(more, []);
    equal(crash.parts.required.reason, "unclean_shutdown");
    const aside = await Deno.lstat(`${dir.path}/${name}.unreadable`);
    ok(aside.isFifo, "the FIFO was moved aside, not read");
    await startsAndStops(dir.path, managed);
    equal((await crashes(dir.path, managed)).length, 1, "a clean stop leaves no crash behind");
  });
}

Deno.test("a 150 MB crash note does not crash-loop the agent: it is set aside and the crash recorded", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/none.json`;
  const note = await Deno.open(`${dir.path}/crash-note.json`, { write: true, create: true });
  await note.truncate(150 * 1024 * 1024);
  note.close();
  const said = await startsAndStops(dir.path, managed);
  match(said, /crash note .* could not be read \(is too large/);
  const crashed = await crashes(dir.path, managed);
  equal(crashed.length, 1);
  await startsAndStops(dir.path, managed);
});

Deno.test("a crash note that is a symbolic link imports nothing of the file it points to", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/none.json`;
  const elsewhere = `${dir.path}/elsewhere.json`;
  await Deno.writeTextFile(
    elsewhere,
    JSON.stringify({ reason: "uncaught_exception", error: { message: "SECRET-FROM-ELSEWHERE" } }),
  );
  await Deno.writeTextFile(`${dir.path}/running.json`, JSON.stringify({ pid: 1 }));
  await Deno.symlink(elsewhere, `${dir.path}/crash-note.json`);
  await startsAndStops(dir.path, managed);
  const [crash] = await crashes(dir.path, managed);
  equal(crash.parts.required.reason, "unclean_shutdown");
  ok(!JSON.stringify(crash).includes("SECRET-FROM-ELSEWHERE"));
  equal(await Deno.readTextFile(elsewhere).then((t) => t.includes("SECRET")), true, "left alone");
});
