import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { Agent } from "../../agent/agent.ts";
import { buildHealth } from "../../agent/health.ts";
import { keySpec } from "../../catalog/key_spec.ts";
import { CATALOG } from "../../catalog/catalog.ts";
import { listEvents } from "../../store/event_queries.ts";
import { listDeliveries } from "../../store/delivery_queries.ts";
import { outboxDepth } from "../../store/outbox_queries.ts";
import { afterRuns, startTestAgent, tempDir, waitFor, writeManaged } from "../_helpers.ts";
import { type Received, startReceiver } from "../../testing/otlp_receiver.ts";

/** A managed policy that sends to `url`, with quick retries for the tests. */
function sendingPolicy(url: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    cloudService: { enabled: true, serviceUri: url, diagnosticLevel: "optional", timeout: 2 },
    connectionRetryTimeout: 1,
    ...extra,
  });
}

/** Writes a managed policy sending to `url` in `dir` and starts an agent under it. */
async function agentSendingTo(
  dir: string,
  url: string,
  extra: Record<string, unknown> = {},
): Promise<{ agent: Agent; managed: string }> {
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(managed, sendingPolicy(url, extra));
  return { agent: await startTestAgent({ dataDir: dir, managedFile: managed }), managed };
}

async function storedIds(agent: { store: { db: Parameters<typeof listEvents>[0] } }) {
  const events = await listEvents(agent.store.db, {
    allowed: ["required", "optional"],
    limit: 10_000,
  });
  return events.map((event) => event.id).sort((a, b) => a - b);
}

/** Every attribute of `record` is a field the catalogue puts at the required tier. */
function requiredOnly(record: Received): string[] {
  const above: string[] = [];
  for (const [key, value] of Object.entries(record.attributes)) {
    if (key === "event.name" || key === "vitrine.event.id") continue;
    const spec = keySpec(record.eventName, key);
    if (spec?.kind === "field" && spec.spec.tier !== "required") above.push(key);
    if (spec?.kind === "group") {
      for (const item of value as Record<string, unknown>[]) {
        for (const member of Object.keys(item)) {
          if (spec.members.get(member)?.tier !== "required") above.push(`${key}[].${member}`);
        }
      }
    }
    if (!spec) above.push(`${key} (not in the catalogue)`);
  }
  return above;
}

Deno.test("every stored event reaches the OTLP receiver once sending is on, under its catalogue names", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const { agent } = await agentSendingTo(dir.path, receiver.url);
  try {
    for (let i = 0; i < 3; i++) await agent.collectNow("system");
    await agent.collectNow("file_activity");
    const ids = await storedIds(agent);
    await waitFor("every stored event at the receiver", () => {
      const got = new Set(receiver.received.map((record) => record.eventId));
      return ids.every((id) => got.has(id));
    });
    const stats = receiver.received.find((record) => record.eventName === "system_statistics")!;
    ok(stats, "a system_statistics record arrived");
    equal(stats.attributes["event.name"], "system_statistics");
    equal(stats.contentType, "application/x-protobuf");
    ok(typeof stats.attributes["vitrine.event.id"] === "number");
    // Attributes are exactly catalogue field names of the event.
    for (const key of Object.keys(stats.attributes)) {
      if (key === "event.name" || key === "vitrine.event.id") continue;
      ok(keySpec("system_statistics", key), `"${key}" is a catalogue field`);
    }
    ok(
      Object.keys(stats.attributes).some((key) =>
        keySpec("system_statistics", key)?.kind === "field" &&
        (keySpec("system_statistics", key) as { spec: { tier: string } }).spec.tier === "optional"
      ),
      "optional fields go at the optional level",
    );
    // The ten common fields are the resource, with the service.
    for (const field of CATALOG.common) {
      if (field.name in stats.resource) continue;
      ok(field.nullable, `common field "${field.name}" is absent only when it may be null`);
    }
    equal(stats.resource["service.name"], "vitrine");
    ok(typeof stats.resource["service.version"] === "string");
    // The delivery log and health show what left (logged once the answer is read).
    await waitFor("the delivery logged", async () => {
      return (await listDeliveries(agent.store.db)).length > 0;
    });
    const [delivery] = await listDeliveries(agent.store.db);
    equal(delivery?.status, "200");
    equal(delivery?.endpoint, `127.0.0.1:${receiver.port}`);
    ok((delivery?.bytes ?? 0) > 0);
    // Health tells the outbox's depth as it is (empty once all went).
    await waitFor("the outbox to empty", async () => {
      const depth = await outboxDepth(agent.store.db);
      return depth.required + depth.optional === 0;
    });
    const health = await buildHealth(agent.store, dir.path, agent.policy);
    ok(health.uplink.sending);
    ok(health.uplink.lastSuccessAt !== null);
    deepEqual(health.uplink.depth, { required: 0, optional: 0 });
  } finally {
    await agent.stop();
  }
});

Deno.test("at the required level no optional field reaches the receiver", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const { agent } = await agentSendingTo(dir.path, receiver.url, {
    cloudService: {
      enabled: true,
      serviceUri: receiver.url,
      diagnosticLevel: "required",
      encoding: "json",
    },
  });
  try {
    await agent.collectNow("system");
    await agent.collectNow("file_activity");
    const ids = await storedIds(agent);
    await waitFor("every stored event at the receiver", () => {
      const got = new Set(receiver.received.map((record) => record.eventId));
      return ids.every((id) => got.has(id));
    });
    for (const record of receiver.received) {
      deepEqual(requiredOnly(record), [], `${record.eventName} #${record.eventId}`);
      equal(record.contentType, "application/json");
    }
  } finally {
    await agent.stop();
  }
});

Deno.test("events recorded while sending was off are never sent", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const managed = await writeManaged(dir.path, {
    cloudService: { enabled: false, serviceUri: receiver.url },
  });
  const agent = await startTestAgent({ dataDir: dir.path, managedFile: managed });
  try {
    await agent.collectNow("system");
    const before = await storedIds(agent);
    await Deno.writeTextFile(managed, sendingPolicy(receiver.url));
    await agent.reloadPolicy();
    await agent.collectNow("system");
    const after = (await storedIds(agent)).filter((id) => !before.includes(id));
    ok(after.length > 0);
    await waitFor("the events recorded after the change", () => {
      const got = new Set(receiver.received.map((record) => record.eventId));
      return after.every((id) => got.has(id));
    });
    const leaked = receiver.received.filter((record) => before.includes(record.eventId));
    deepEqual(leaked.map((record) => record.eventId), []);
  } finally {
    await agent.stop();
  }
});

Deno.test("after an outage every queued event arrives, and health named the failure meanwhile", async () => {
  await using dir = await tempDir();
  const probe = startReceiver();
  const port = probe.port;
  await probe[Symbol.asyncDispose]();
  const { agent } = await agentSendingTo(dir.path, `http://127.0.0.1:${port}`);
  try {
    for (let i = 0; i < 3; i++) await agent.collectNow("system");
    await waitFor(
      "a failed attempt",
      async () => (await listDeliveries(agent.store.db)).length > 0,
    );
    const health = await buildHealth(agent.store, dir.path, agent.policy);
    match(health.uplink.lastError?.message ?? "", /connection refused/);
    ok(health.problems.some((problem) => /records wait in the outbox/.test(problem)));
    ok(health.uplink.depth.required > 0);
    // Collection goes on while the endpoint is down.
    await agent.collectNow("system");
    const ids = await storedIds(agent);
    await using receiver = startReceiver(port);
    await waitFor("every event after the outage", () => {
      const got = new Set(receiver.received.map((record) => record.eventId));
      return ids.every((id) => got.has(id));
    }, 15_000);
    await waitFor("an empty outbox", async () => {
      const depth = await outboxDepth(agent.store.db);
      return depth.required + depth.optional === 0;
    });
  } finally {
    await agent.stop();
  }
});

Deno.test("a 429 is retried no sooner than its Retry-After, and a 503 is retried", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "status", status: 429, retryAfter: "3", times: 1 });
  const { agent } = await agentSendingTo(dir.path, receiver.url, { connectionRetryTimeout: 30 });
  try {
    const ids = await storedIds(agent);
    await waitFor("the 429", () => receiver.answers.includes("429"));
    const refusedAt = Date.now();
    await waitFor("the retry", () => receiver.answers.includes("200"), 10_000);
    const waited = Date.now() - refusedAt;
    ok(waited >= 2500, `retried after ${waited} ms, before the 3 s Retry-After`);
    const got = new Set(receiver.received.map((record) => record.eventId));
    ok(ids.every((id) => got.has(id)));
    // The receiver answers before the agent logs the delivery.
    await waitFor("the delivery logged", async () => {
      return (await listDeliveries(agent.store.db)).some((d) => d.status === "200");
    });
    const statuses = (await listDeliveries(agent.store.db)).map((d) => [d.status, d.attempts]);
    deepEqual(statuses.slice(-2).reverse(), [["429", 1], ["200", 2]]);

    receiver.behave({ kind: "status", status: 503, times: 1 });
    await agent.collectNow("system");
    const more = await storedIds(agent);
    await waitFor("the events after a 503", () => {
      const seen = new Set(receiver.received.map((record) => record.eventId));
      return more.every((id) => seen.has(id));
    }, 15_000);
    ok(receiver.answers.includes("503"));
  } finally {
    await agent.stop();
  }
});

Deno.test("a 400 is dead-lettered and counted in health, never retried", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "status", status: 400 });
  const { agent } = await agentSendingTo(dir.path, receiver.url);
  try {
    await waitFor("the 400", () => receiver.answers.includes("400"));
    await waitFor("an empty outbox", async () => {
      const depth = await outboxDepth(agent.store.db);
      return depth.required + depth.optional === 0;
    });
    const answered = receiver.answers.length;
    await afterRuns(agent, "uplink");
    equal(receiver.answers.length, answered, "nothing is sent again");
    const health = await buildHealth(agent.store, dir.path, agent.policy);
    ok(health.uplink.deadLettered > 0);
    match(health.uplink.lastError?.message ?? "", /answered 400.*dead-lettered/);
    // The events stay stored: only their sending was given up.
    ok((await storedIds(agent)).length > 0);
  } finally {
    await agent.stop();
  }
});

Deno.test("partial success: the records a receiver rejects are counted", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "partial", rejected: 2 });
  const { agent } = await agentSendingTo(dir.path, receiver.url, {
    cloudService: { enabled: true, serviceUri: receiver.url, encoding: "json" },
  });
  try {
    await waitFor("a delivery", () => receiver.answers.includes("200"));
    await waitFor("the rejection counted", async () => {
      return (await buildHealth(agent.store, dir.path, agent.policy)).uplink.rejected >= 2;
    });
    const [delivery] = await listDeliveries(agent.store.db);
    equal(delivery?.rejected, 2);
  } finally {
    await agent.stop();
  }
});

Deno.test("lowering the level or turning the cloud off while records wait sends none of what may no longer leave", async () => {
  await using dir = await tempDir();
  const probe = startReceiver();
  const port = probe.port;
  await probe[Symbol.asyncDispose]();
  const url = `http://127.0.0.1:${port}`;
  const { agent, managed } = await agentSendingTo(dir.path, url);
  try {
    for (let i = 0; i < 2; i++) await agent.collectNow("system");
    ok((await outboxDepth(agent.store.db)).optional > 0, "optional parts are queued");
    await Deno.writeTextFile(
      managed,
      sendingPolicy(url, {
        cloudService: { enabled: true, serviceUri: url, diagnosticLevel: "required" },
      }),
    );
    await agent.reloadPolicy();
    equal((await outboxDepth(agent.store.db)).optional, 0, "optional parts leave the outbox");
    const queued = (await outboxDepth(agent.store.db)).required;
    ok(queued > 0);
    {
      await using receiver = startReceiver(port);
      await waitFor("the required parts", async () => {
        return (await outboxDepth(agent.store.db)).required === 0;
      }, 15_000);
      for (const record of receiver.received) {
        deepEqual(requiredOnly(record), [], `${record.eventName} #${record.eventId}`);
      }
    }
    // Turn the cloud off with records waiting: none of them goes.
    await agent.collectNow("system");
    ok((await outboxDepth(agent.store.db)).required > 0);
    await Deno.writeTextFile(managed, JSON.stringify({ cloudService: { enabled: false } }));
    await agent.reloadPolicy();
    deepEqual(await outboxDepth(agent.store.db), { required: 0, optional: 0 });
    await using receiver = startReceiver(port);
    await agent.collectNow("system");
    await afterRuns(agent, "uplink");
    equal(receiver.received.length, 0);
  } finally {
    await agent.stop();
  }
});

Deno.test("a bearer token is read from the token file and sent", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const tokenFile = `${dir.path}/otlp.token`;
  await Deno.writeTextFile(tokenFile, "s3cr3t-token\n");
  const { agent } = await agentSendingTo(dir.path, receiver.url, {
    cloudService: { enabled: true, serviceUri: receiver.url, tokenFile },
  });
  try {
    await waitFor("a record", () => receiver.received.length > 0);
    equal(receiver.received[0]?.authorization, "Bearer s3cr3t-token");
    // The secret is in no setting and in no event.
    const health = JSON.stringify(await buildHealth(agent.store, dir.path, agent.policy));
    ok(!health.includes("s3cr3t"));
  } finally {
    await agent.stop();
  }
});

Deno.test("bad endpoints are named in health while collection goes on and nothing is lost", async (t) => {
  await using plain = startReceiver();
  const cases = [
    {
      name: "an unreachable host",
      url: "http://vitrine-test.invalid:4318",
      expect: /host not found/,
    },
    // TLS spoken to a server that answers plain HTTP.
    { name: "a TLS failure", url: `https://127.0.0.1:${plain.port}`, expect: /TLS failed/ },
  ];
  for (const { name, url, expect } of cases) {
    await t.step(name, async () => {
      await using dir = await tempDir();
      const { agent } = await agentSendingTo(dir.path, url);
      try {
        await waitFor("a failed attempt", async () => {
          return (await listDeliveries(agent.store.db)).length > 0;
        });
        const before = await storedIds(agent);
        await agent.collectNow("system");
        ok((await storedIds(agent)).length > before.length, "collection goes on");
        const health = await buildHealth(agent.store, dir.path, agent.policy);
        match(health.uplink.lastError?.message ?? "", expect);
        const queued = await agent.store.db.selectFrom("outbox").select("event_id").distinct()
          .execute();
        equal(queued.length, (await storedIds(agent)).length, "everything waits to be sent");
      } finally {
        await agent.stop();
      }
    });
  }
  equal(plain.received.length, 0);
});

Deno.test("a receiver that never answers is abandoned after the timeout and collection does not wait", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "hang" });
  const { agent } = await agentSendingTo(dir.path, receiver.url, {
    cloudService: { enabled: true, serviceUri: receiver.url, timeout: 1 },
  });
  try {
    await waitFor("a hanging request", () => receiver.answers.includes("hang"));
    const started = performance.now();
    await agent.collectNow("system");
    ok(performance.now() - started < 1000, "a collection while a send hangs does not wait");
    await waitFor("the timeout", async () => {
      const health = await buildHealth(agent.store, dir.path, agent.policy);
      return /no answer in time/.test(health.uplink.lastError?.message ?? "");
    });
    receiver.behave({ kind: "accept" });
    const ids = await storedIds(agent);
    await waitFor("every event once the receiver answers", () => {
      const got = new Set(receiver.received.map((record) => record.eventId));
      return ids.every((id) => got.has(id));
    }, 15_000);
  } finally {
    await agent.stop();
  }
});

Deno.test("a 10 MB answer is cut unread and the batch still counts as delivered", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "huge", bytes: 10 * 1024 * 1024 });
  const { agent } = await agentSendingTo(dir.path, receiver.url);
  try {
    await waitFor("an empty outbox", async () => {
      const depth = await outboxDepth(agent.store.db);
      return depth.required + depth.optional === 0 && receiver.received.length > 0;
    });
    const [delivery] = await listDeliveries(agent.store.db);
    equal(delivery?.status, "200");
    equal(delivery?.rejected, 0);
  } finally {
    await agent.stop();
  }
});

Deno.test("only uplink/egress.ts opens connections to other hosts; clamd is reached over its local socket alone", async () => {
  const offenders: string[] = [];
  const root = new URL("../../", import.meta.url).pathname;
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(`${root}${dir}`)) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        if (
          ![
            ".git",
            ".scratch",
            "tests",
            "testing",
            "bench",
            "soak",
            "static",
            "node_modules",
            "dist",
          ]
            .includes(entry.name)
        ) {
          await walk(path);
        }
      } else if (/\.tsx?$/.test(entry.name)) {
        const text = await Deno.readTextFile(`${root}${path}`);
        // (An app's .fetch(request) is Hono answering a request, not a connection.)
        if (/(?<!\.)\bfetch\(|Deno\.connect(Tls)?\(|node:(http|https|net|tls)\b/.test(text)) {
          offenders.push(path);
        }
      }
    }
  };
  await walk("");
  // Islands fetch from the dashboard's own origin only.
  // A command asks the agent on its own data directory over loopback (cli/ask_agent.ts).
  deepEqual(offenders.filter((path) => !path.startsWith("islands/")).sort(), [
    "cli/ask_agent.ts",
    "intelligence/clamav_verdict.ts",
    "uplink/egress.ts",
  ]);
  // The verdict's one connection is to a Unix socket on this machine (clamd's).
  const verdict = await Deno.readTextFile(`${root}intelligence/clamav_verdict.ts`);
  deepEqual(
    [...verdict.matchAll(/Deno\.connect\(([^)]*)\)/g)].map((m) => m[1]),
    ['{ transport: "unix", path: socket }'],
  );
});

Deno.test("a stop while the endpoint hangs ends within the flush time, keeping the queue", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "hang" });
  const { agent, managed } = await agentSendingTo(dir.path, receiver.url, {
    cloudService: { enabled: true, serviceUri: receiver.url, timeout: 600 },
  });
  await waitFor("a hanging request", () => receiver.answers.includes("hang"));
  const ids = await storedIds(agent);
  const started = performance.now();
  await agent.stop();
  const took = performance.now() - started;
  ok(took < 6000, `the stop took ${Math.round(took)} ms`);
  // The next start sends what waited.
  receiver.behave({ kind: "accept" });
  const again = await startTestAgent({ dataDir: dir.path, managedFile: managed });
  try {
    await waitFor("the waiting events", () => {
      const got = new Set(receiver.received.map((record) => record.eventId));
      return ids.every((id) => got.has(id));
    }, 15_000);
  } finally {
    await again.stop();
  }
});
