// OTLP/HTTP's retry rule, as shipped: the agent (`deno task start`) sending
// to a receiver that answers each class of status once. 429, 502, 503 and
// 504 are retried (429 no sooner than its Retry-After); every other answer
// is dead-lettered and never sent again; a request with no answer is retried.
import { deepEqual, equal, ok } from "node:assert/strict";
import { isRetryableStatus, RETRYABLE_STATUSES } from "../../uplink/is_retryable_status.ts";
import { type Receiver, startReceiver } from "../../testing/otlp_receiver.ts";
import { type AgentProcess, startAgent, stopAgent, vitrine } from "../../testing/shipped_agent.ts";
import { tempDir } from "../../testing/temp_dir.ts";
import { waitFor } from "../../testing/wait_for.ts";

Deno.test("OTLP retries 429, 502, 503 and 504 only", () => {
  deepEqual(RETRYABLE_STATUSES, [429, 502, 503, 504]);
  for (const status of [400, 401, 403, 404, 408, 413, 500, 501, 505]) {
    equal(isRetryableStatus(status), false, String(status));
  }
});

/** An agent as shipped sending every second to `receiver`. */
async function sendingAgent(dir: string, receiver: Receiver): Promise<AgentProcess> {
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({
      cloudService: { enabled: true, serviceUri: receiver.url },
      connectionRetryTimeout: 5,
    }),
  );
  return await startAgent(`${dir}/data`, ["--managed-config", managed, "--interval", "1"]);
}

/** Has the receiver answer `status` to the next request; resolves with the records it carried. */
async function answerOnce(receiver: Receiver, status: number, retryAfter?: string) {
  const before = receiver.refused.length;
  receiver.behave({ kind: "status", status, times: 1, ...(retryAfter ? { retryAfter } : {}) });
  await waitFor(`a request answered ${status}`, () => receiver.refused.length > before, 20_000);
  return { ids: receiver.refused.slice(before).map((r) => r.eventId), at: Date.now() };
}

Deno.test("as shipped, 429, 502, 503 and 504 are retried and then delivered; a 429 no sooner than its Retry-After", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const agent = await sendingAgent(dir.path, receiver);
  try {
    for (const status of RETRYABLE_STATUSES) {
      const refused = await answerOnce(receiver, status, status === 429 ? "2" : undefined);
      await waitFor(
        `the records answered ${status} to arrive later`,
        () => {
          const got = new Set(receiver.received.map((r) => r.eventId));
          return refused.ids.every((id) => got.has(id));
        },
        20_000,
      );
      if (status === 429) {
        const retried = receiver.received.find((r) => r.eventId === refused.ids[0])!;
        ok(
          retried.at - refused.at >= 1500,
          `retried ${retried.at - refused.at} ms after a 2 s Retry-After`,
        );
      }
    }
  } finally {
    equal(await stopAgent(agent), 0, agent.output());
  }
});

Deno.test("as shipped, 400, 408, 500 and 501 are dead-lettered, counted, and never sent again", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const agent = await sendingAgent(dir.path, receiver);
  try {
    for (const status of [400, 408, 500, 501]) {
      const refused = await answerOnce(receiver, status);
      // The sender goes in order: records after the refused ones arriving means
      // the refused batch is not waiting to be tried again.
      const newest = Math.max(...refused.ids);
      await waitFor(
        `records newer than those answered ${status}`,
        () => receiver.received.some((r) => r.eventId > newest),
        20_000,
      );
      const got = new Set(receiver.received.map((r) => r.eventId));
      deepEqual(refused.ids.filter((id) => got.has(id)), [], `a ${status} is not retried`);
    }
    const sent = await vitrine([
      "sent",
      "--data-dir",
      `${dir.path}/data`,
      "--managed-config",
      `${dir.path}/managed.json`,
    ]);
    equal(sent.code, 0, sent.stderr);
    ok(JSON.parse(sent.stdout).uplink.deadLettered >= 4, sent.stdout.slice(0, 600));
  } finally {
    equal(await stopAgent(agent), 0, agent.output());
  }
});

Deno.test("as shipped, a batch that got no answer is sent again once the receiver is back", async () => {
  await using dir = await tempDir();
  const first = startReceiver();
  const port = first.port;
  const agent = await sendingAgent(dir.path, first);
  try {
    await waitFor("a first delivery", () => first.received.length > 0, 20_000);
    await first[Symbol.asyncDispose]();
    // Nothing listens for a while: requests fail without an answer.
    const downAt = Date.now();
    await waitFor("the agent to meet the closed port", async () => {
      const sent = await vitrine([
        "sent",
        "--data-dir",
        `${dir.path}/data`,
        "--managed-config",
        `${dir.path}/managed.json`,
      ]);
      return /no answer|could not be reached|refused/i.test(sent.stdout) &&
        Date.now() - downAt > 1000;
    }, 30_000);
    // Every record stored while no one answered, up to now, must arrive.
    const listed = await vitrine([
      "events",
      "--limit",
      "1",
      "--data-dir",
      `${dir.path}/data`,
      "--managed-config",
      `${dir.path}/managed.json`,
    ]);
    const newest = (JSON.parse(listed.stdout) as { id: number }[])[0]!.id;
    const oldest = Math.max(...first.received.map((r) => r.eventId)) + 1;
    ok(newest >= oldest, "records were stored while the receiver was gone");
    await using back = startReceiver(port);
    await waitFor("every record of the outage to arrive", () => {
      const got = new Set(back.received.map((r) => r.eventId));
      for (let id = oldest; id <= newest; id++) if (!got.has(id)) return false;
      return true;
    }, 30_000);
  } finally {
    equal(await stopAgent(agent), 0, agent.output());
  }
});
