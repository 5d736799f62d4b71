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
