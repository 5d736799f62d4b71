import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { Agent } from "../../agent/agent.ts";
import { createApp } from "../../routes/app.ts";
import { listDeliveries } from "../../store/delivery_queries.ts";
import { runCli, startTestAgent, tempDir, waitFor, writeManaged } from "../_helpers.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";

const HOST = "127.0.0.1:7878";

function appOf(agent: Agent, dataDir: string) {
  return createApp({
    store: agent.store,
    dataDir,
    policy: () => agent.policy,
    identity: () => agent.identity,
    status: () => agent.status(),
    token: "t".repeat(64),
    allowedHosts: [HOST],
    changePreference: (key, value) => agent.changePreference(key, value),
    recordConsent: (granted, actor) => agent.recordConsent(granted, actor),
    deleteDiagnosticData: (actor) => agent.deleteDiagnosticData(actor),
    decideHeldSample: (decision) => agent.decideHeldSample(decision),
  });
}

const get = (path: string) => new Request(`http://${HOST}${path}`, { headers: { host: HOST } });

Deno.test("what left is listed by vitrine sent, /api/sent, the Sent page and each event's page", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const managed = await writeManaged(dir.path, {
    cloudService: { enabled: true, serviceUri: receiver.url, diagnosticLevel: "required" },
  });
  const agent = await startTestAgent({ dataDir: dir.path, managedFile: managed });
  let eventId = 0;
  try {
    await waitFor("a delivery", async () => {
      return (await listDeliveries(agent.store.db)).some((d) => d.status === "200");
    });
    eventId = receiver.received[0]!.eventId;
    const app = appOf(agent, dir.path);

    const api = await (await app.request(get("/api/sent?limit=5"))).json();
    equal(api.uplink.sending, true);
    equal(api.uplink.endpoint, `127.0.0.1:${receiver.port}`);
    equal(api.deliveries[0].status, "200");
    ok(api.deliveries[0].records >= 1);
    equal((await app.request(get("/api/sent?limit=0"))).status, 400);

    const page = await (await app.request(get("/sent"))).text();
    match(page, /Deliveries, newest first/);
    match(page, new RegExp(`on, to <code>127.0.0.1:${receiver.port}</code> only`));
    match(page, /sends what the required level allows to <code>127.0.0.1:\d+<\/code> only/);

    const event = await (await app.request(get(`/events/${eventId}`))).text();
    match(
      event,
      new RegExp(
        `The required fields \\(with the common fields\\) were sent to 127.0.0.1:${receiver.port}`,
      ),
    );
    match(event, /<td>sent to 127.0.0.1:\d+<\/td>/);

    const overview = await (await app.request(get("/"))).text();
    match(overview, /Waiting in the outbox/);
  } finally {
    await agent.stop();
  }

  const cli = await runCli([
    "sent",
    "--data-dir",
    dir.path,
    "--managed-config",
    managed,
    "--limit",
    "1",
  ]);
  equal(cli.code, 0, cli.stderr);
  const report = JSON.parse(cli.stdout);
  equal(report.deliveries.length, 1);
  deepEqual(Object.keys(report.deliveries[0]).sort(), [
    "at",
    "attempts",
    "bytes",
    "endpoint",
    "error",
    "id",
    "records",
    "rejected",
    "status",
  ]);
  const bad = await runCli(["sent", "--data-dir", dir.path, "--before", "soon"]);
  equal(bad.code, 2);
  match(bad.stderr, /The before "soon" is not a whole number/);
});
