// A pre-signed URL's signature never reaches a record, a log, an export or
// the OTLP endpoint, whatever shape the failure's words take: an error of
// the network with a ")" before the signature, a TLS failure, or a server
// that echoes the URL in its answer.
import { equal, ok } from "node:assert/strict";
import { runCli, startTestAgent, tempDir, waitFor, writeManaged } from "../_helpers.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";

const SIGNATURE = "Zm9vYmFyU0lHTkFUVVJF";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** An Azure SAS URL the way @azure/storage-blob writes one with a content disposition. */
function sasUrl(origin: string): string {
  return `${origin}/devstoreaccount1/support/b.json.gz?sv=2025-01-05&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=cw&rscd=attachment%3B%20filename%3D%22support%20(1).json.gz%22&sig=${SIGNATURE}%2Babc%3D`;
}

/** Every form the signature could take in text. */
function leaks(text: string): boolean {
  return text.includes(SIGNATURE) || text.includes(encodeURIComponent(SIGNATURE));
}

Deno.test("a failed upload's record, output, export and what is sent never hold the signature", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const dataDir = `${dir.path}/data`;
  const managed = await writeManaged(dir.path, {
    cloudService: { diagnosticLevel: "optional", enabled: true, serviceUri: receiver.url },
  });
  // A plain-HTTP server that answers TLS with garbage, and one that echoes
  // the whole request, signature included, in a refusal.
  const plain = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("plain"),
  );
  const echo = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      new Response(
        `<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code><Message>Signature did not match for ${request.url} (sig=${
          new URL(request.url).searchParams.get("sig")
        })</Message></Error>`,
        { status: 403, headers: { "content-type": "application/xml" } },
      ),
  );
  const agent = await startTestAgent({ dataDir, managedFile: managed });
  try {
    equal((await agent.recordConsent(true, "Ada")).ok, true);
    const attempts = [
      sasUrl(`http://127.0.0.1:${freePort()}`),
      sasUrl(`https://127.0.0.1:${(plain.addr as Deno.NetAddr).port}`),
      sasUrl(`http://127.0.0.1:${(echo.addr as Deno.NetAddr).port}`),
      // A plain PUT endpoint (not Azure) that echoes too.
      `http://127.0.0.1:${
        (echo.addr as Deno.NetAddr).port
      }/up?X-Amz-Credential=k%29&X-Amz-Signature=${SIGNATURE}`,
    ];
    for (const url of attempts) {
      const result = await runCli([
        "support",
        "upload",
        "--url",
        url,
        "--data-dir",
        dataDir,
        "--managed-config",
        managed,
      ]);
      equal(result.code, 1, result.stdout + result.stderr);
      ok(!leaks(result.stdout + result.stderr), `printed: ${result.stderr}`);
    }
    const failures = (await runCli([
      "events",
      "--type",
      "diagnostic_log_upload_failed",
      "--data-dir",
      dataDir,
    ])).stdout;
    equal(JSON.parse(failures).length, attempts.length);
    ok(!leaks(failures), failures);
    // What left for the OTLP endpoint.
    await waitFor(
      "the failure records to reach the receiver",
      () =>
        receiver.received.filter((r) => r.eventName === "diagnostic_log_upload_failed").length ===
          attempts.length,
      20_000,
    );
    ok(!leaks(JSON.stringify(receiver.received)));
    const exported = await runCli(["export", "--data-dir", dataDir, "--format", "ndjson"]);
    equal(exported.code, 0, exported.stderr);
    ok(!leaks(exported.stdout));
  } finally {
    await agent.stop();
    await plain.shutdown();
    await echo.shutdown();
  }
  // Nothing in the database file or its log either.
  for (const name of ["vitrine.db", "vitrine.db-wal"]) {
    const bytes = await Deno.readFile(`${dataDir}/${name}`).catch(() => new Uint8Array());
    ok(!leaks(new TextDecoder("latin1").decode(bytes)), `${name} holds the signature`);
  }
});
