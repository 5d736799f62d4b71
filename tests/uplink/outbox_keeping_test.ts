// What waits to be sent is never thrown away on a transient read of the
// policy, what is dropped is always counted, and the outbox bound holds at
// every insert, while the receiver fails and the agent keeps collecting.
import { equal, ok } from "node:assert/strict";
import { buildHealth } from "../../agent/health.ts";
import { outboxDepth } from "../../store/outbox_queries.ts";
import { afterRuns, startTestAgent, tempDir, waitFor } from "../_helpers.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";

function policyText(url: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    cloudService: { enabled: true, serviceUri: url, diagnosticLevel: "required", timeout: 2 },
    connectionRetryTimeout: 1,
    ...extra,
  });
}

Deno.test("a managed file that is briefly empty keeps the outbox whole, and it all arrives later", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "status", status: 503 });
  const managed = `${dir.path}/managed.json`;
  const good = policyText(receiver.url);
  await Deno.writeTextFile(managed, good);
  const agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  try {
    for (let i = 0; i < 20; i++) await agent.collectNow("system");
    const queued = await outboxDepth(agent.store.db);
    ok(queued.required >= 20, `queued: ${queued.required}`);
    // `: > managed.json; sleep 3; mv good managed.json`
    await Deno.writeTextFile(managed, "");
    await agent.reloadPolicy();
    equal(agent.policy.managedState, "invalid");
    // Rounds of sending and of policy reading pass while the file stays empty.
    await afterRuns(agent, "uplink");
    await agent.reloadPolicy();
    equal((await outboxDepth(agent.store.db)).required, queued.required, "nothing was taken off");
    await Deno.writeTextFile(`${managed}.new`, good);
    await Deno.rename(`${managed}.new`, managed);
    await agent.reloadPolicy();
    receiver.behave({ kind: "accept" });
    await waitFor("the outbox to empty", async () => {
      const depth = await outboxDepth(agent.store.db);
      return depth.required === 0;
    }, 20_000);
    ok(receiver.received.length >= queued.required);
    const health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy);
    equal(health.uplink.dropped.required + health.uplink.withdrawn.required, 0);
  } finally {
    await agent.stop();
  }
});

Deno.test("turning the cloud off in a valid file takes what waits off the outbox and counts it", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "status", status: 503 });
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(managed, policyText(receiver.url));
  const agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  try {
    for (let i = 0; i < 5; i++) await agent.collectNow("system");
    const queued = await outboxDepth(agent.store.db);
    await Deno.writeTextFile(managed, JSON.stringify({ cloudService: { enabled: false } }));
    await agent.reloadPolicy();
    equal((await outboxDepth(agent.store.db)).required, 0);
    const health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy);
    equal(health.uplink.withdrawn.required, queued.required, "what went unsent is counted");
  } finally {
    await agent.stop();
  }
});

Deno.test("the outbox holds at most outbox.maxRecords after every insert, and counts what it drops", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "status", status: 503 });
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(
    managed,
    policyText(receiver.url, { outbox: { maxRecords: 100 } }),
  );
  const agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  try {
    let most = 0;
    for (let i = 0; i < 27; i++) {
      await agent.record(
        Array.from({ length: 10 }, (_, n) => ({
          type: "install" as const,
          fields: {
            correlation_id: `c${i}-${n}`,
            version: "0.1.0",
            severity: "Informational",
            code: "install",
            text: "burst",
          },
        })),
      );
      const depth = await outboxDepth(agent.store.db);
      most = Math.max(most, depth.required + depth.optional);
    }
    ok(most <= 100, `the outbox reached ${most}`);
    const health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy);
    ok(health.uplink.dropped.required >= 170, `dropped: ${health.uplink.dropped.required}`);
  } finally {
    await agent.stop();
  }
});

Deno.test("a redirect is refused for good and counted, never followed or retried", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "status", status: 307 });
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(managed, policyText(receiver.url));
  const agent = await startTestAgent({ dataDir: `${dir.path}/data`, managedFile: managed });
  try {
    await agent.collectNow("system");
    await waitFor("the dead letters, with nothing left waiting", async () => {
      const health = await buildHealth(agent.store, `${dir.path}/data`, agent.policy);
      const depth = health.uplink.depth;
      return health.uplink.deadLettered > 0 && depth.required + depth.optional === 0;
    });
    const asked = receiver.answers.length;
    await afterRuns(agent, "uplink");
    equal(receiver.answers.length, asked, "not retried");
    equal((await outboxDepth(agent.store.db)).required, 0);
  } finally {
    await agent.stop();
  }
});
