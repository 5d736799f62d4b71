import { deepEqual, equal, match, ok } from "node:assert/strict";
import { buildHealth } from "../../agent/health.ts";
import { listEvents } from "../../store/event_queries.ts";
import { startTestAgent, tempDir } from "../_helpers.ts";
import { databaseFile } from "../intelligence/_clamav_files.ts";

async function setUp(dir: string) {
  const clamav = `${dir}/clamav`;
  await Deno.mkdir(clamav);
  await Deno.writeFile(`${clamav}/daily.cvd`, databaseFile(27815));
  await Deno.writeFile(`${clamav}/main.cvd`, databaseFile(62));
  await Deno.writeTextFile(`${dir}/freshclam.conf`, "HTTPProxyServer proxy.example.org\n");
  await Deno.writeTextFile(`${dir}/freshclam.log`, "an old run's lines are history\n");
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({
      securityIntelligence: {
        databaseDirectory: clamav,
        freshclamConfig: `${dir}/freshclam.conf`,
        freshclamLog: `${dir}/freshclam.log`,
      },
    }),
  );
  const agent = await startTestAgent({ dataDir: `${dir}/data`, managedFile: managed });
  return { agent, clamav };
}

async function updates(agent: Awaited<ReturnType<typeof setUp>>["agent"]) {
  return (await listEvents(agent.store.db, {
    allowed: ["required"],
    type: "security_intelligence_update",
  })).reverse();
}

Deno.test("sig_version is the daily database's version on every event, from the first", async () => {
  await using dir = await tempDir();
  const { agent } = await setUp(dir.path);
  try {
    const events = await listEvents(agent.store.db, { allowed: ["required"], limit: 100 });
    ok(events.length >= 3);
    for (const event of events) equal(event.common.sig_version, "27815", event.type);
    deepEqual(await updates(agent), [], "finding ClamAV is not an update");
    const health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy);
    equal(health.intelligence.sigVersion, "27815");
  } finally {
    await agent.stop();
  }
});

Deno.test("a new daily version is recorded as a successful update, and later events carry it", async () => {
  await using dir = await tempDir();
  const { agent, clamav } = await setUp(dir.path);
  try {
    // freshclam writes a .cld next to the .cvd it replaces.
    await Deno.writeFile(`${clamav}/daily.cld`, databaseFile(27816));
    await Deno.remove(`${clamav}/daily.cvd`);
    await agent.collectNow("intelligence");
    const [update] = await updates(agent);
    deepEqual(update?.parts.required, {
      from_version: "27815",
      to_version: "27816",
      status: "success",
      using_proxy: true,
      error: null,
      reason: null,
    });
    await agent.collectNow("system");
    const [latest] = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "system_statistics",
      limit: 1,
    });
    equal(latest?.common.sig_version, "27816");
  } finally {
    await agent.stop();
  }
});

Deno.test("a failed update in freshclam's log is recorded once, with its error", async () => {
  await using dir = await tempDir();
  const { agent } = await setUp(dir.path);
  try {
    await Deno.writeTextFile(
      `${dir.path}/freshclam.log`,
      [
        "Tue Nov 24 06:26:00 2026 -> ClamAV update process started at Tue Nov 24 06:26:00 2026",
        "Tue Nov 24 06:26:00 2026 -> daily database available for update (local version: 27815, remote version: 27817)",
        "Tue Nov 24 06:26:01 2026 -> ERROR: Message: Couldn't connect to server",
        "Tue Nov 24 06:26:01 2026 -> ERROR: Database update process failed: HTTP GET failed",
        "Tue Nov 24 06:26:01 2026 -> ERROR: Update failed.",
        "",
      ].join("\n"),
      { append: true },
    );
    await agent.collectNow("intelligence");
    await agent.collectNow("intelligence");
    const failures = await updates(agent);
    equal(failures.length, 1);
    const failure = failures[0]!.parts.required!;
    equal(failure.status, "failure");
    equal(failure.from_version, "27815");
    equal(failure.to_version, "27817");
    equal(failure.error, 52);
    match(String(failure.reason), /HTTP GET failed/);
  } finally {
    await agent.stop();
  }
});

Deno.test("garbage, truncation and a vanished directory are reported, never a made-up version", async () => {
  await using dir = await tempDir();
  const { agent, clamav } = await setUp(dir.path);
  try {
    await Deno.writeTextFile(`${clamav}/daily.cvd`, "garbage".repeat(100));
    await agent.collectNow("intelligence");
    equal(agent.identity.sig_version, null);
    let health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy, agent.status());
    ok(
      health.problems.some((p) => /daily\.cvd" is unreadable: not a ClamAV database/.test(p)),
      health.problems.join("\n"),
    );
    await Deno.remove(clamav, { recursive: true });
    await agent.collectNow("intelligence");
    await agent.collectNow("system");
    health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy, agent.status());
    ok(health.problems.some((p) => /does not exist; sig_version is null/.test(p)));
    const [latest] = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "system_statistics",
      limit: 1,
    });
    equal(latest?.common.sig_version, null);
    deepEqual(await updates(agent), [], "losing the databases is not an update");
  } finally {
    await agent.stop();
  }
});

/** Runs `work` with a FIFO at `path`, a writer-less named pipe (removed afterwards). */
async function withFifo(path: string, work: () => Promise<void>): Promise<void> {
  await Deno.remove(path).catch(() => {});
  const made = await new Deno.Command("mkfifo", { args: [path] }).output();
  ok(made.success, "mkfifo");
  try {
    await work();
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}

Deno.test("databases that go missing and come back unchanged are no update; health says they went missing", async () => {
  await using dir = await tempDir();
  const { agent, clamav } = await setUp(dir.path);
  try {
    // Pointed at an empty directory, then back.
    await Deno.rename(clamav, `${clamav}.away`);
    await Deno.mkdir(clamav);
    await agent.collectNow("intelligence");
    equal(agent.identity.sig_version, null);
    const health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy, agent.status());
    ok(
      health.problems.some((p) => /last seen at version 27815\) has been missing/.test(p)),
      health.problems.join("\n"),
    );
    await Deno.remove(clamav);
    await Deno.rename(`${clamav}.away`, clamav);
    await agent.collectNow("intelligence");
    equal(agent.identity.sig_version, "27815");
    // Unreadable for a while (a damaged header), then readable again.
    const good = await Deno.readFile(`${clamav}/daily.cvd`);
    await Deno.writeTextFile(`${clamav}/daily.cvd`, "ClamAV-VDB:broken");
    await agent.collectNow("intelligence");
    await Deno.writeFile(`${clamav}/daily.cvd`, good);
    await agent.collectNow("intelligence");
    deepEqual(await updates(agent), [], "nothing was updated");
    const after = await buildHealth(agent.store, `${dir.path}/data`, agent.policy, agent.status());
    ok(!after.problems.some((p) => /has been missing/.test(p)), after.problems.join("\n"));
    // A version that changed while the databases were unreadable is a real update.
    await Deno.writeTextFile(`${clamav}/daily.cvd`, "");
    await agent.collectNow("intelligence");
    await Deno.writeFile(`${clamav}/daily.cvd`, databaseFile(27820));
    await agent.collectNow("intelligence");
    const recorded = await updates(agent);
    equal(recorded.length, 1);
    equal(recorded[0]!.parts.required!.from_version, "27815");
    equal(recorded[0]!.parts.required!.to_version, "27820");
  } finally {
    await agent.stop();
  }
});

const FAILED_RUN = [
  "Tue Nov 24 06:26:00 2026 -> ClamAV update process started at Tue Nov 24 06:26:00 2026",
  "Tue Nov 24 06:26:01 2026 -> ERROR: Database update process failed: HTTP GET failed",
  "Tue Nov 24 06:26:01 2026 -> ERROR: Update failed.",
  "",
].join("\n");

Deno.test("freshclam's first failure is recorded when its log appears only after the agent started", async () => {
  await using dir = await tempDir();
  const { agent } = await setUp(dir.path);
  try {
    await Deno.remove(`${dir.path}/freshclam.log`);
    await agent.collectNow("intelligence");
    await Deno.writeTextFile(`${dir.path}/freshclam.log`, FAILED_RUN);
    await agent.collectNow("intelligence");
    await agent.collectNow("intelligence");
    equal((await updates(agent)).length, 1);
  } finally {
    await agent.stop();
  }
});

Deno.test("binary bytes in freshclam's log never make a failure recorded twice", async () => {
  await using dir = await tempDir();
  const { agent } = await setUp(dir.path);
  try {
    const garbage = new Uint8Array(3000).map((_, i) => 0x80 + (i % 120));
    await Deno.writeFile(`${dir.path}/freshclam.log`, garbage, { append: true });
    await Deno.writeTextFile(`${dir.path}/freshclam.log`, `\n${FAILED_RUN}`, { append: true });
    for (let i = 0; i < 5; i++) await agent.collectNow("intelligence");
    equal((await updates(agent)).length, 1);
  } finally {
    await agent.stop();
  }
});

Deno.test("a line longer than the reader's chunk is skipped with a count, and later failures are still seen", async () => {
  await using dir = await tempDir();
  const { agent } = await setUp(dir.path);
  try {
    await Deno.writeTextFile(`${dir.path}/freshclam.log`, "x".repeat(1_500_000), { append: true });
    await agent.collectNow("intelligence");
    await Deno.writeTextFile(`${dir.path}/freshclam.log`, `\n${FAILED_RUN}`, { append: true });
    for (let i = 0; i < 4; i++) await agent.collectNow("intelligence");
    equal((await updates(agent)).length, 1);
    ok(
      agent.status().problems.some((p) => /longer than 1048576 bytes/.test(p)),
      agent.status().problems.join("\n"),
    );
  } finally {
    await agent.stop();
  }
});

Deno.test("FIFOs in place of a database, freshclam's configuration or its log never hang the agent or health", async () => {
  await using dir = await tempDir();
  const { agent, clamav } = await setUp(dir.path);
  try {
    for (const path of [`${clamav}/daily.cvd`, `${dir.path}/freshclam.log`]) {
      await withFifo(path, async () => {
        const started = performance.now();
        await agent.collectNow("intelligence");
        const health = await buildHealth(
          agent.store,
          `${dir.path}/data`,
          agent.policy,
          agent.status(),
        );
        ok(performance.now() - started < 3000, `${path} held the agent up`);
        ok(
          health.problems.some((p) => p.includes(path) && /FIFO/.test(p)),
          `${path}: ${health.problems.join("\n")}`,
        );
      });
    }
    // The configuration matters only when something is recorded: a version change.
    await withFifo(`${dir.path}/freshclam.conf`, async () => {
      await Deno.writeFile(`${clamav}/daily.cvd`, databaseFile(27816));
      await agent.collectNow("intelligence");
      const recorded = await updates(agent);
      equal(recorded.length, 1, "the change is recorded once, at once");
      equal(recorded[0]!.parts.required!.using_proxy, false);
      ok(agent.status().problems.some((p) => /freshclam.conf" is not a regular file/.test(p)));
    });
  } finally {
    await agent.stop();
  }
});
