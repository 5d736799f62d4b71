// kill -9 at the worst moments: between storing and sending, and during a
// send. Whatever was stored arrives after the next start.
import { ok } from "node:assert/strict";
import { openStore } from "../../store/open_store.ts";
import { listEvents } from "../../store/event_queries.ts";
import { readUntil, spawnAgent, tempDir, waitFor } from "../_helpers.ts";
import { type Receiver, startReceiver } from "../../testing/otlp_receiver.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function startAgent(dataDir: string): Promise<Deno.ChildProcess> {
  const child = spawnAgent([
    "--data-dir",
    dataDir,
    "--port",
    "0",
    "--managed-config",
    `${dataDir}/managed.json`,
    "--interval",
    "1",
  ]);
  await readUntil(child.stderr, "Dashboard:");
  return child;
}

async function kill(child: Deno.ChildProcess, signal: Deno.Signal): Promise<void> {
  child.kill(signal);
  await child.status;
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});
}

async function storedIds(dataDir: string): Promise<number[]> {
  const store = await openStore(`${dataDir}/vitrine.db`);
  try {
    const events = await listEvents(store.db, {
      allowed: ["required", "optional"],
      limit: 100_000,
    });
    return events.map((event) => event.id);
  } finally {
    await store.close();
  }
}

async function writePolicy(dataDir: string, port: number): Promise<void> {
  await Deno.writeTextFile(
    `${dataDir}/managed.json`,
    JSON.stringify({
      cloudService: {
        enabled: true,
        serviceUri: `http://127.0.0.1:${port}`,
        diagnosticLevel: "optional",
        timeout: 30,
      },
      connectionRetryTimeout: 1,
    }),
  );
}

async function allArrive(receiver: Receiver, ids: number[]): Promise<void> {
  await waitFor(`${ids.length} stored events at the receiver`, () => {
    const got = new Set(receiver.received.map((record) => record.eventId));
    return ids.every((id) => got.has(id));
  }, 30_000);
}

Deno.test("kill -9 between storing and sending: everything stored arrives after the next start", async () => {
  await using dir = await tempDir();
  const port = freePort();
  await writePolicy(dir.path, port);
  const first = await startAgent(dir.path);
  await waitFor("a few events stored", async () => (await storedIds(dir.path)).length >= 3, 30_000);
  await kill(first, "SIGKILL");
  const ids = await storedIds(dir.path);
  ok(ids.length >= 3, `events stored before the kill: ${ids.length}`);

  await using receiver = startReceiver(port);
  const second = await startAgent(dir.path);
  try {
    await allArrive(receiver, ids);
  } finally {
    await kill(second, "SIGTERM");
  }
});

Deno.test("kill -9 during a send: the batch under way is sent again after the next start", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  receiver.behave({ kind: "hang" });
  await writePolicy(dir.path, receiver.port);
  const first = await startAgent(dir.path);
  await waitFor("a send under way", () => receiver.answers.includes("hang"), 15_000);
  await kill(first, "SIGKILL");
  const ids = await storedIds(dir.path);
  ok(ids.length >= 3, `events stored before the kill: ${ids.length}`);

  receiver.behave({ kind: "accept" });
  const second = await startAgent(dir.path);
  try {
    await allArrive(receiver, ids);
  } finally {
    await kill(second, "SIGTERM");
  }
});
