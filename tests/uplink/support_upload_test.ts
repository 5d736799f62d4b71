// Support bundles sent to a pre-signed URL: to Azurite (Microsoft's Azure
// Storage emulator) with a SAS made here, and to a plain PUT endpoint.
import { buildHealth } from "../../agent/health.ts";
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { listEvents, type StoredEvent } from "../../store/event_queries.ts";
import { openStore } from "../../store/open_store.ts";
import { uploadSupportBundle } from "../../support/upload_support_bundle.ts";
import { checkUploadUrl, redactUploadUrl } from "../../uplink/blob_upload.ts";
import { runCli, startTestAgent, tempDir } from "../_helpers.ts";
import { sha256Hex, startAzurite } from "../../testing/azurite.ts";
import { requires } from "../../testing/requires.ts";

/** A data directory at the optional level with consent recorded (or not). */
async function dataDirWithConsent(dir: string, consent: boolean): Promise<string> {
  const dataDir = `${dir}/data`;
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const agent = await startTestAgent({ dataDir, managedFile: managed });
  if (consent) equal((await agent.recordConsent(true, "Ada Admin")).ok, true);
  await agent.stop();
  return dataDir;
}

/** `vitrine support upload --url URL` on `dataDir`, under `managed` when given. */
function uploadCli(url: string, dataDir: string, managed?: string): ReturnType<typeof runCli> {
  return runCli([
    "support",
    "upload",
    "--url",
    url,
    "--data-dir",
    dataDir,
    ...(managed ? ["--managed-config", managed] : []),
  ]);
}

async function uploadEvents(dataDir: string): Promise<StoredEvent[]> {
  const store = await openStore(`${dataDir}/vitrine.db`);
  try {
    const events = await listEvents(store.db, { allowed: ["required", "optional"], limit: 100 });
    return events.filter((event) => event.type.startsWith("diagnostic_log_upload")).reverse();
  } finally {
    await store.close();
  }
}

Deno.test("an upload URL's signature and credentials never reach a record", () => {
  const sas = new URL(
    "https://acct.blob.core.windows.net/c/b.json.gz?sv=2024-08-04&se=2026-12-01&sr=b&sp=cw&sig=SeCrEt%3D&skoid=KEYID",
  );
  const redacted = redactUploadUrl(sas);
  ok(!redacted.includes("SeCrEt") && !redacted.includes("KEYID"), redacted);
  match(redacted, /sig=REDACTED/);
  match(redacted, /sp=cw/);
  const s3 = redactUploadUrl(
    new URL(
      "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA123&X-Amz-Signature=abc&X-Amz-Security-Token=tok",
    ),
  );
  ok(!/AKIA123|=abc|=tok/.test(s3), s3);
  match(s3, /X-Amz-Algorithm=AWS4-HMAC-SHA256/);
});

Deno.test("an upload URL must be https (or this machine) and carry no password", () => {
  checkUploadUrl("https://acct.blob.core.windows.net/c/b?sig=x");
  checkUploadUrl("http://127.0.0.1:10000/acct/c/b?sig=x");
  const refused = (text: string, why: RegExp) => {
    try {
      checkUploadUrl(text);
    } catch (error) {
      match((error as Error).message, why);
      return;
    }
    throw new Error(`${text} was accepted`);
  };
  refused("ftp://host/b", /not an http\(s\) URL/);
  refused("http://uploads.example/b?sig=x", /plain http to another host/);
  refused("https://user:pw@uploads.example/b", /carries a user or password/);
  refused("not a url", /not an http\(s\) URL/);
});

Deno.test({
  name:
    "vitrine support upload sends the bundle to Azurite: same SHA-256, request id, redacted URI",
  ...requires("azurite-blob"),
}, async () => {
  await using dir = await tempDir();
  await using azurite = await startAzurite(dir.path);
  const dataDir = await dataDirWithConsent(dir.path, true);
  const url = azurite.sasUrl("bundle.json.gz");
  const result = await uploadCli(url, dataDir, `${dir.path}/managed.json`);
  equal(result.code, 0, result.stderr);
  ok(!result.stdout.includes(new URL(url).searchParams.get("sig")!), "no signature printed");
  const path = /Support bundle (\S+) \(/.exec(result.stdout)![1]!;

  const blob = await azurite.container.getBlockBlobClient("bundle.json.gz").downloadToBuffer();
  const uploaded = await sha256Hex(new Uint8Array(blob));
  equal(uploaded, await sha256Hex(await Deno.readFile(path)), "the blob is the bundle");

  const [started, completed, ...rest] = await uploadEvents(dataDir);
  deepEqual(rest, []);
  equal(started?.type, "diagnostic_log_upload_started");
  equal(started?.parts.optional?.sha256, uploaded);
  equal(started?.parts.optional?.original_path, path);
  equal(completed?.type, "diagnostic_log_upload_completed");
  equal(completed?.parts.optional?.sha256, uploaded);
  equal(completed?.parts.required?.upload_id, started?.parts.required?.upload_id);
  ok(typeof completed?.parts.optional?.request_id === "string");
  const recorded = String(completed?.parts.optional?.blob_sas_uri);
  match(recorded, /sig=REDACTED/);
  ok(!recorded.includes(new URL(url).searchParams.get("sig")!), recorded);
});

Deno.test({
  name: "a large bundle goes to Azurite in blocks and arrives whole",
  ...requires("azurite-blob"),
}, async () => {
  await using dir = await tempDir();
  await using azurite = await startAzurite(dir.path);
  const dataDir = await dataDirWithConsent(dir.path, true);
  const managed = `${dir.path}/managed.json`;
  const agent = await startTestAgent({ dataDir, managedFile: managed });
  try {
    for (let i = 0; i < 5; i++) await agent.collectNow("system");
    const receipt = await uploadSupportBundle(
      agent.store,
      dataDir,
      agent.policy,
      agent.identity,
      {
        url: checkUploadUrl(azurite.sasUrl("large.json.gz")),
        sources: { health: () => buildHealth(agent.store, dataDir, agent.policy) },
        singleShotBytes: 1024,
        blockBytes: 1024,
      },
    );
    ok(receipt.size > 3 * 1024, `the bundle is ${receipt.size} bytes`);
    const client = azurite.container.getBlockBlobClient("large.json.gz");
    const blocks = await client.getBlockList("committed");
    equal(blocks.committedBlocks?.length, Math.ceil(receipt.size / 1024));
    equal(await sha256Hex(new Uint8Array(await client.downloadToBuffer())), receipt.sha256);
  } finally {
    await agent.stop();
  }
});

Deno.test({
  name: "a refused upload is recorded as failed, never as completed",
  ...requires("azurite-blob"),
}, async () => {
  await using dir = await tempDir();
  await using azurite = await startAzurite(dir.path);
  const dataDir = await dataDirWithConsent(dir.path, true);
  // Read-only permission: Azure refuses the write.
  const url = azurite.sasUrl("refused.json.gz", "r");
  const result = await uploadCli(url, dataDir);
  equal(result.code, 1);
  match(result.stderr, /the upload failed and was recorded as such: 127\.0\.0\.1:\d+ answered 403/);
  const events = await uploadEvents(dataDir);
  deepEqual(events.map((e) => e.type), [
    "diagnostic_log_upload_started",
    "diagnostic_log_upload_failed",
  ]);
  equal(events[1]?.parts.required?.status, 403);
});

Deno.test("a pre-signed PUT URL (S3 style) gets the bundle, and its request id is recorded", async () => {
  await using dir = await tempDir();
  const dataDir = await dataDirWithConsent(dir.path, true);
  let received = new Uint8Array();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    if (request.method !== "PUT") return new Response(null, { status: 405 });
    received = new Uint8Array(await request.arrayBuffer());
    return new Response(null, { status: 200, headers: { "x-amz-request-id": "REQ42" } });
  });
  try {
    const { port } = server.addr as Deno.NetAddr;
    const url =
      `http://127.0.0.1:${port}/bucket/b.json.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=deadbeef`;
    const result = await uploadCli(url, dataDir, `${dir.path}/managed.json`);
    equal(result.code, 0, result.stderr);
    const [, completed] = await uploadEvents(dataDir);
    equal(completed?.parts.optional?.request_id, "REQ42");
    equal(completed?.parts.optional?.sha256, await sha256Hex(received));
    ok(!String(completed?.parts.optional?.blob_sas_uri).includes("deadbeef"));
  } finally {
    await server.shutdown();
  }
});

Deno.test("without consent nothing is gathered or sent, and the command to grant it is given", async () => {
  await using dir = await tempDir();
  const dataDir = await dataDirWithConsent(dir.path, false);
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response(null);
  });
  try {
    const { port } = server.addr as Deno.NetAddr;
    const result = await uploadCli(`http://127.0.0.1:${port}/b`, dataDir);
    equal(result.code, 1);
    match(result.stderr, /vitrine consent grant --actor NAME/);
    equal(requests, 0);
    deepEqual(await uploadEvents(dataDir), []);
  } finally {
    await server.shutdown();
  }
  const bad = await runCli(["support", "upload", "--url", "http://uploads.example/b"]);
  equal(bad.code, 2);
  match(bad.stderr, /plain http to another host/);
});
