import { deepEqual, equal, ok } from "node:assert/strict";
import { listEvents } from "../../store/event_queries.ts";
import { afterRuns, startTestAgent, tempDir, waitFor } from "../_helpers.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";

Deno.test("while sending is on, heartbeats are stored and arrive though nothing else happens; with sending off there are none", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const managed = `${dir.path}/managed.json`;
  const policy = (enabled: boolean) =>
    JSON.stringify({
      cloudService: {
        enabled,
        serviceUri: receiver.url,
        diagnosticLevel: "required",
        heartbeatInterval: 5,
      },
    });
  await Deno.writeTextFile(managed, policy(true));
  // Collections once an hour: what arrives after the start's records is heartbeats only.
  const agent = await startTestAgent({ dataDir: dir.path, managedFile: managed });
  try {
    const heartbeats = () => receiver.received.filter((r) => r.eventName === "heartbeat");
    await waitFor("two heartbeats at the receiver", () => heartbeats().length >= 2, 20_000);
    const [first, second] = heartbeats();
    const gap = second!.at - first!.at;
    ok(gap >= 3000 && gap <= 9000, `heartbeats 5 s apart, not ${gap} ms`);
    const attributes = second!.attributes;
    equal(attributes["level"], "required");
    ok(Number(attributes["uptime"]) >= 5, `uptime ${attributes["uptime"]}`);
    equal(Number(attributes["outbox_optional"]), 0);
    ok(Number(attributes["last_delivery_at"]) > 0, "the first heartbeat's delivery is known");
    // Stored first, like every event: what left is visible here.
    const stored = await listEvents(agent.store.db, {
      allowed: ["required"],
      type: "heartbeat",
      limit: 10,
    });
    ok(stored.length >= 2);
    deepEqual(
      Object.keys(stored[0]!.parts.required!).sort(),
      [
        "last_delivery_at",
        "level",
        "log_public_key",
        "log_root_hash",
        "log_signature",
        "log_tree_size",
        "log_tree_time",
        "outbox_optional",
        "outbox_required",
        "uptime",
      ],
    );
    equal(stored[0]!.parts.optional, undefined, "a heartbeat has nothing optional");

    // Sending off: no more heartbeats, stored or sent.
    await Deno.writeTextFile(managed, policy(false));
    await agent.reloadPolicy();
    const before = (await listEvents(agent.store.db, { allowed: ["required"], type: "heartbeat" }))
      .length;
    // The heartbeat task keeps its schedule; with sending off, its runs store nothing.
    await afterRuns(agent, "heartbeat");
    equal(
      (await listEvents(agent.store.db, { allowed: ["required"], type: "heartbeat" })).length,
      before,
    );
  } finally {
    await agent.stop();
  }
});
