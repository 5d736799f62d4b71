// The liveness watchdog as systemd sees it: a notification socket the test
// listens on, READY=1 and WATCHDOG=1 while the agent's work moves, silence
// once it hangs, and the hang recorded as a crash at the next start.
import { equal, match, ok } from "node:assert/strict";
import {
  endChild,
  readUntil,
  runCli,
  spawnAgent,
  tempDir,
  waitFor,
  writeManaged,
} from "../_helpers.ts";
import { listenNotify } from "../_notify.ts";
import { crashes, restartOnce } from "./_restarts.ts";

Deno.test("systemd hears READY=1 and WATCHDOG=1 while the agent works, silence once it hangs, and the next start records a watchdog crash", async () => {
  await using dir = await tempDir();
  const socket = `${dir.path}/notify.sock`;
  const managed = `${dir.path}/managed.json`;
  // At the optional level, so that the crash's error message is kept too.
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const systemd = await listenNotify(socket);
  const flags = ["--data-dir", dir.path, "--port", "0", "--managed-config", managed];
  const agent = spawnAgent([...flags, "--interval", "1"], {
    NOTIFY_SOCKET: socket,
    WATCHDOG_USEC: "1000000",
    VITRINE_FAULT: "hang",
    VITRINE_LIVENESS_STALL_MS: "3000",
  });
  try {
    await waitFor("READY=1", () => systemd.heard.some((h) => h.text.startsWith("READY=1")), 30_000);
    match(systemd.heard.find((h) => h.text.startsWith("READY=1"))!.text, /MAINPID=\d+/);
    await waitFor(
      "the pings",
      () => systemd.heard.filter((h) => h.text === "WATCHDOG=1").length >= 2,
      10_000,
    );
    // Two seconds after start every write hangs; three seconds without one is a hang.
    await readUntil(agent.stderr, "Liveness lost: no write to the database has completed");
    const pings = () => systemd.heard.filter((h) => h.text === "WATCHDOG=1").length;
    const stalls = () => systemd.heard.filter((h) => h.text.startsWith("STATUS=Not making")).length;
    const before = pings();
    // Each time a ping was due the agent says why it does not ping: two of those, and no ping.
    const said = stalls();
    await waitFor("two more times a ping was due", () => stalls() >= said + 2, 30_000);
    equal(pings(), before, "no ping once the agent hangs");
  } finally {
    // What systemd does when the pings stop (it sends SIGABRT; SIGKILL here).
    await endChild(agent, "SIGKILL");
    await systemd.stop();
  }

  await restartOnce(dir.path, managed, async () => {
    const [crash] = await crashes(dir.path, managed);
    equal(crash.parts.required.reason, "watchdog");
    match(crash.parts.optional.error_message, /no write to the database has completed for \d+ s/);
    ok(crash.parts.required.crashed_at <= Date.now());
    // Without NOTIFY_SOCKET nothing is sent and nothing is said.
    const health = JSON.parse((await runCli(["health", ...flags.slice(0, 2)])).stdout);
    equal(health.agent.liveness.watched, false);
  });
});

Deno.test("after a watchdog kill of a frozen agent, the service's stop hook makes the next start record a watchdog crash", async () => {
  await using dir = await tempDir();
  const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "optional" } });
  const flags = ["--data-dir", dir.path, "--port", "0", "--managed-config", managed];
  const frozen = spawnAgent(flags);
  await readUntil(frozen.stderr, "Dashboard:");
  // A frozen event loop writes nothing; systemd kills it and runs ExecStopPost.
  await endChild(frozen, "SIGKILL");
  const hook = await runCli(["service-stopped", "--data-dir", dir.path], {
    SERVICE_RESULT: "watchdog",
    EXIT_CODE: "killed",
    EXIT_STATUS: "ABRT",
  });
  equal(hook.code, 0, hook.stderr);
  match(hook.stdout, /Noted a watchdog kill/);
  // Any other result leaves nothing (a plain failure is told by the running marker).
  equal(
    (await runCli(["service-stopped", "--data-dir", dir.path], { SERVICE_RESULT: "exit-code" }))
      .code,
    0,
  );

  await restartOnce(dir.path, managed, async () => {
    const [crash, ...more] = await crashes(dir.path, managed);
    equal(more.length, 0, "one crash");
    equal(crash.parts.required.reason, "watchdog");
    match(crash.parts.optional.error_message, /systemd ended the agent: .*SERVICE_RESULT=watchdog/);
  });
});
