// The log of what left, for three parties: the person (vitrine sent verify
// against what the backend stored), the organisation (the same, from its
// side), and an auditor (proofs checked by an independent Python script).
// On the agent as `deno task start` runs it, with a receiver that keeps the
// request bodies as received.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  consistencyPath,
  inclusionPath,
  leafHash,
  mthOfLeaves,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from "../../store/merkle_tree.ts";
import { canonicalJson } from "../../store/canonical_json.ts";
import { decodeLogsRequest } from "../../uplink/otlp_decode.ts";
import { leafData, sentLeafData, sentView } from "../../uplink/record_leaf.ts";
import { encodeLogsJson } from "../../uplink/otlp_json.ts";
import { encodeLogsProtobuf } from "../../uplink/otlp_protobuf.ts";
import type { LogsRequest } from "../../uplink/otlp_records.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";
import { requires } from "../../testing/requires.ts";
import {
  endChild,
  readUntil,
  ROOT,
  runCli,
  spawnAgent,
  tempDir,
  waitFor,
  writeManaged,
} from "../_helpers.ts";

Deno.test("RFC 9162 proofs of every leaf and every pair of sizes up to 40 verify, and fail once touched", async () => {
  const leaves = Array.from({ length: 40 }, (_, i) => leafHash(new TextEncoder().encode(`r${i}`)));
  const mth = (start: number, end: number) => Promise.resolve(mthOfLeaves(leaves, start, end));
  for (let n = 1; n <= 40; n++) {
    const root = mthOfLeaves(leaves, 0, n);
    for (let m = 0; m < n; m++) {
      const path = await inclusionPath(m, 0, n, mth);
      ok(verifyInclusion(m, n, leaves[m]!, path, root), `inclusion ${m} of ${n}`);
      if (n > 1) ok(!verifyInclusion(m, n, leaves[(m + 1) % n]!, path, root), "another leaf fails");
    }
    for (let m = 1; m < n; m++) {
      const proof = await consistencyPath(m, n, mth);
      const first = mthOfLeaves(leaves, 0, m);
      ok(verifyConsistency(m, n, first, root, proof), `consistency ${m} to ${n}`);
      ok(!verifyConsistency(m, n, leaves[0]!, root, proof) || m === 1, "a wrong old root fails");
    }
  }
});

Deno.test("a record's canonical form is the same from what was sent and from the received bytes, JSON or protobuf", () => {
  const request: LogsRequest = {
    scope: { name: "vitrine", version: "0" },
    resources: [{
      attributes: { machine_guid: "m", org_id: null, "service.name": "vitrine" },
      records: [{
        timeMs: 1796683000123,
        eventName: "system_statistics",
        attributes: [
          { "load.1m": 0.5, processes: 227, list: [1, null, "x"], nested: { a: 1, b: null } },
          { "event.name": "system_statistics", "vitrine.event.id": 7, flag: false, text: "" },
        ],
      }],
    }],
  };
  const sent = leafData(
    sentView(request.resources[0]!.records[0]!, request.resources[0]!.attributes),
  );
  // The sender's own path, which makes no merged object, gives the same bytes.
  deepEqual(
    sentLeafData(request.resources[0]!.records[0]!, request.resources[0]!.attributes),
    sent,
  );
  for (const body of [encodeLogsJson(request), encodeLogsProtobuf(request)]) {
    const [received] = decodeLogsRequest(body);
    deepEqual(leafData(received!), sent);
  }
});

Deno.test("a leaf's fast canonical form equals canonical JSON with nulls left out, whatever the keys: index-like, __proto__, beyond the BMP", () => {
  const reference = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.filter((v) => v !== null).map(reference);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, reference(v)]),
      );
    }
    return value;
  };
  const protoKey = JSON.parse('{"__proto__": "kept", "b": 1}');
  const cases: Record<string, unknown>[] = [
    { b: 1, a: "x", c: null, "é": true, z: [3, null, { y: 2, x: null }] },
    { "10": 1, "9": 2, a: 3 },
    { a: [{ "2": "two", "1": "one" }], b: 0 },
    protoKey,
    { "\u{1F600}": 1, "\uFFFF": 2, "a.b": -0.5, "1m": 2 },
    {},
  ];
  for (const attributes of cases) {
    const view = { attributes, resource: { r: null, s: "v" }, timeUnixNano: 5n };
    const expected = canonicalJson({
      attributes: reference(attributes),
      resource: { s: "v" },
      time_unix_nano: "5",
    });
    equal(new TextDecoder().decode(leafData(view)), expected, JSON.stringify(attributes));
  }
  ok(
    new TextDecoder().decode(leafData({ attributes: protoKey, resource: {}, timeUnixNano: 0n }))
      .includes('"__proto__":"kept"'),
  );
});

/** The agent as shipped, sending to `receiver` in `encoding`, with heartbeats every 5 s. */
async function sendingAgent(dir: string, url: string, encoding: "json" | "protobuf") {
  const managed = await writeManaged(dir, {
    cloudService: {
      enabled: true,
      serviceUri: url,
      diagnosticLevel: "optional",
      encoding,
      heartbeatInterval: 5,
    },
  });
  const dataDir = `${dir}/data`;
  const agent = spawnAgent([
    ...["--data-dir", dataDir, "--port", "0", "--managed-config", managed, "--interval", "1"],
  ]);
  await readUntil(agent.stderr, "Dashboard:");
  return { agent, dataDir, managed };
}

async function heads(dataDir: string): Promise<{ tree_size: number }[]> {
  const out = await runCli(["sent", "heads", "--data-dir", dataDir]);
  equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout).heads;
}

async function storedBodies(dir: string, bodies: Uint8Array[]): Promise<string[]> {
  const files: string[] = [];
  for (const [i, body] of bodies.entries()) {
    const file = `${dir}/request-${i}.body`;
    await Deno.writeFile(file, body);
    files.push(file);
  }
  return files;
}

Deno.test({
  name:
    "as shipped, what the backend stored verifies against the log; a dropped, a fabricated and an altered record are each named",
  ...requires("python3"),
  fn: async () => {
    await using dir = await tempDir();
    await using receiver = startReceiver();
    const { agent, dataDir } = await sendingAgent(dir.path, receiver.url, "json");
    try {
      await waitFor(
        "two signed tree heads",
        async () => (await heads(dataDir)).length >= 2,
        40_000,
      );
    } finally {
      await endChild(agent);
    }
    const files = await storedBodies(dir.path, receiver.bodies);
    const verify = (paths: string[]) =>
      runCli(["sent", "verify", "--data-dir", dataDir, "--received", ...paths]);
    const good = await verify(files);
    equal(good.code, 0, good.stdout + good.stderr);
    const report = JSON.parse(good.stdout);
    equal(report.received, receiver.received.length);
    equal(report.logged, receiver.received.length, "each record that left is one leaf");
    equal(report.tree_head.valid, true);

    // The backend's copy, tampered with three ways, in JSON as it was received.
    const request = JSON.parse(new TextDecoder().decode(receiver.bodies[0]!));
    const records = request.resourceLogs[0].scopeLogs[0].logRecords;
    ok(records.length >= 3, `${records.length} records in the first request`);
    const idOf = (record: { attributes: { key: string; value: { intValue: string } }[] }) =>
      Number(record.attributes.find((a) => a.key === "vitrine.event.id")!.value.intValue);
    const dropped = idOf(records[0]);
    const altered = idOf(records[1]);
    records.shift();
    const value = records[0].attributes.find((a: { key: string }) =>
      a.key !== "vitrine.event.id" &&
      a.key !== "event.name"
    );
    value.value = { stringValue: "changed" };
    const fabricated = structuredClone(records[1]);
    fabricated.attributes.find((a: { key: string }) => a.key === "vitrine.event.id").value = {
      intValue: "999999",
    };
    records.push(fabricated);
    await Deno.writeTextFile(files[0]!, JSON.stringify(request));
    const bad = await verify(files);
    equal(bad.code, 1);
    const found = JSON.parse(bad.stdout);
    deepEqual(
      found.missing.map((m: { event_id: number }) => m.event_id).sort(),
      [
        altered,
        dropped,
      ].sort((a, b) => a - b),
      "the dropped record, and the original of the altered one",
    );
    deepEqual(found.altered.map((a: { event_id: number }) => a.event_id), [altered]);
    deepEqual(found.fabricated.map((f: { event_id: number }) => f.event_id), [999999]);
  },
});

Deno.test({
  name:
    "as shipped in protobuf, kill -9 while sending: the log holds what was delivered, and the auditor's script checks an inclusion and a consistency proof",
  ...requires("python3"),
  fn: async () => {
    await using dir = await tempDir();
    await using receiver = startReceiver();
    const first = await sendingAgent(dir.path, receiver.url, "protobuf");
    await waitFor("a delivery", () => receiver.received.length > 5, 30_000);
    // Every request from now on hangs: the agent dies with one under way.
    receiver.behave({ kind: "hang" });
    await waitFor("a request under way", () => receiver.answers.includes("hang"), 30_000);
    first.agent.kill("SIGKILL");
    await endChild(first.agent);
    receiver.behave({ kind: "accept" });
    const second = await sendingAgent(dir.path, receiver.url, "protobuf");
    try {
      await waitFor(
        "two signed tree heads",
        async () => (await heads(second.dataDir)).length >= 2,
        40_000,
      );
    } finally {
      await endChild(second.agent);
    }
    const files = await storedBodies(dir.path, receiver.bodies);
    const verified = await runCli([
      "sent",
      "verify",
      "--data-dir",
      second.dataDir,
      "--received",
      ...files,
    ]);
    equal(verified.code, 0, verified.stdout + verified.stderr);

    // An auditor: an inclusion proof and a consistency proof, checked by Python alone.
    const script = `${ROOT}deploy/audit/check_log_proof.py`;
    const python = async (file: string, ...flags: string[]) => {
      const out = await new Deno.Command("python3", { args: [script, file, ...flags] }).output();
      return { code: out.code, text: new TextDecoder().decode(out.stdout) };
    };
    const eventId = receiver.received.at(-1)!.eventId;
    const proof = await runCli(["sent", "proof", String(eventId), "--data-dir", second.dataDir]);
    equal(proof.code, 0, proof.stderr);
    await Deno.writeTextFile(`${dir.path}/inclusion.json`, proof.stdout);
    const key = JSON.parse(proof.stdout).log_public_key;
    const checked = await python(`${dir.path}/inclusion.json`, "--public-key", key);
    equal(checked.code, 0, checked.text);
    // From the first head that holds something to the latest.
    const sizes = (await heads(second.dataDir)).map((h) => h.tree_size).filter((n) => n > 0);
    const consistency = await runCli([
      "sent",
      "consistency",
      String(sizes[0]),
      String(sizes.at(-1)),
      "--data-dir",
      second.dataDir,
    ]);
    equal(consistency.code, 0, consistency.stderr);
    await Deno.writeTextFile(`${dir.path}/consistency.json`, consistency.stdout);
    equal((await python(`${dir.path}/consistency.json`, "--public-key", key)).code, 0);

    // A tree head signed with another key is refused, however well formed.
    const other = await crypto.subtle.generateKey("Ed25519", true, ["sign"]) as CryptoKeyPair;
    const forged = JSON.parse(proof.stdout);
    const head = forged.tree_head;
    const data = new Uint8Array(51);
    const view = new DataView(data.buffer);
    view.setBigUint64(0, BigInt(head.timestamp));
    view.setBigUint64(8, BigInt(head.tree_size));
    data[16] = 32;
    data.set(head.root_hash.match(/../g).map((h: string) => parseInt(h, 16)), 17);
    const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", other.privateKey, data));
    head.signature = Array.from(signature, (b) => b.toString(16).padStart(2, "0")).join("");
    await Deno.writeTextFile(`${dir.path}/forged.json`, JSON.stringify(forged));
    const refused = await python(`${dir.path}/forged.json`, "--public-key", key);
    equal(refused.code, 1);
    match(refused.text, /signature is not the machine key's/);
    // And a proof that names the other key as its own is refused against the known key.
    const otherKey = new Uint8Array(await crypto.subtle.exportKey("raw", other.publicKey));
    forged.log_public_key = Array.from(otherKey, (b) => b.toString(16).padStart(2, "0")).join("");
    await Deno.writeTextFile(`${dir.path}/forged.json`, JSON.stringify(forged));
    const named = await python(`${dir.path}/forged.json`, "--public-key", key);
    equal(named.code, 1);
    match(named.text, /signed by another key/);
  },
});

Deno.test({
  name:
    "as shipped, the log stays bounded with the store: leaves of events retention removed are summarised, the signed tree is unchanged, and what is kept is still proven and verified",
  ...requires("python3"),
  fn: async () => {
    await using dir = await tempDir();
    await using receiver = startReceiver();
    const dataDir = `${dir.path}/data`;
    await Deno.mkdir(dataDir, { recursive: true });
    // 1,500 records that left three days ago, and a head the machine signed then.
    const { openStore } = await import("../../store/open_store.ts");
    const { insertEvents } = await import("../../store/insert_events.ts");
    const { appendLeaves } = await import("../../store/sent_log_queries.ts");
    const { LogKey } = await import("../../identity/log_key.ts");
    const { signTreeHead } = await import("../../record/sign_tree_head.ts");
    const store = await openStore(`${dataDir}/vitrine.db`);
    const old = Date.now() - 3 * 86_400_000;
    // What the backend received of them, as it would have stored it.
    const oldRequest = (eventIds: readonly number[]): LogsRequest => ({
      scope: { name: "vitrine", version: "0" },
      resources: [{
        attributes: { machine_guid: "m", org_id: null, "service.name": "vitrine" },
        records: eventIds.map((id) => ({
          timeMs: old + id,
          eventName: "heartbeat",
          attributes: [{ uptime: id }, { "event.name": "heartbeat", "vitrine.event.id": id }],
        })),
      }],
    });
    const ids = await insertEvents(
      store.db,
      Array.from({ length: 1500 }, (_, i) => ({
        type: "heartbeat",
        time: old + i,
        common: { platform: "linux" },
        parts: { required: { uptime: i } },
      })),
    );
    await appendLeaves(
      store.db,
      1,
      ids.map((eventId) => {
        const request = oldRequest([eventId]).resources[0]!;
        return { eventId, data: leafData(sentView(request.records[0]!, request.attributes)) };
      }),
      old,
    );
    const oldHead = await signTreeHead(store.db, await LogKey.load(dataDir), old + 2000);
    await store.close();

    const managed = await writeManaged(dir.path, {
      cloudService: {
        enabled: true,
        serviceUri: receiver.url,
        diagnosticLevel: "optional",
        encoding: "json",
        heartbeatInterval: 5,
      },
      retention: { maxAgeDays: 1 },
    });
    const agent = spawnAgent([
      ...["--data-dir", dataDir, "--port", "0", "--managed-config", managed, "--interval", "1"],
    ]);
    let listed: { summary: { retained_from: number }; heads: { tree_size: number }[] };
    try {
      await readUntil(agent.stderr, "Dashboard:");
      await waitFor("two heads signed after the summary", async () => {
        const out = await runCli(["sent", "heads", "--data-dir", dataDir]);
        listed = JSON.parse(out.stdout);
        return listed.summary.retained_from > 0 &&
          listed.heads.filter((h) => h.tree_size > 1500).length >= 2;
      }, 60_000);
    } finally {
      await endChild(agent);
    }
    // Every whole block of 256 leaves whose events are gone.
    equal(listed!.summary.retained_from, 1280);
    ok(listed!.heads.some((h) => h.tree_size === 1500), "the old head is kept: it can be proven");

    const files = await storedBodies(dir.path, receiver.bodies);
    const keptFile = `${dir.path}/old-kept.json`;
    const goneFile = `${dir.path}/old-summarised.json`;
    await Deno.writeFile(keptFile, encodeLogsJson(oldRequest(ids.slice(1280))));
    await Deno.writeFile(goneFile, encodeLogsJson(oldRequest(ids.slice(0, 1280))));
    const verify = (paths: string[]) =>
      runCli(["sent", "verify", "--data-dir", dataDir, "--received", ...paths]);
    const good = await verify([...files, keptFile]);
    equal(good.code, 0, good.stdout + good.stderr);
    // Records of summarised leaves can be neither confirmed nor refuted: exit 3, each listed.
    const partly = await verify([...files, keptFile, goneFile]);
    equal(partly.code, 3, partly.stdout + partly.stderr);
    const report = JSON.parse(partly.stdout);
    deepEqual(report.unverifiable.map((u: { event_id: number }) => u.event_id), ids.slice(0, 1280));
    deepEqual([report.missing.length, report.fabricated.length, report.altered.length], [0, 0, 0]);
    equal(report.summary.retained_from, 1280);
    // A fabricated record among them is still named.
    const request = JSON.parse(new TextDecoder().decode(receiver.bodies[0]!));
    const record = request.resourceLogs[0].scopeLogs[0].logRecords[0];
    record.attributes.find((a: { key: string }) => a.key === "vitrine.event.id").value = {
      intValue: "999999",
    };
    await Deno.writeTextFile(files[0]!, JSON.stringify(request));
    const bad = await verify([...files, keptFile, goneFile]);
    equal(bad.code, 1);
    deepEqual(JSON.parse(bad.stdout).fabricated.map((f: { event_id: number }) => f.event_id), [
      999999,
    ]);

    const script = `${ROOT}deploy/audit/check_log_proof.py`;
    const python = async (json: string, key: string) => {
      const file = `${dir.path}/proof-${crypto.randomUUID()}.json`;
      await Deno.writeTextFile(file, json);
      const out = await new Deno.Command("python3", { args: [script, file, "--public-key", key] })
        .output();
      return { code: out.code, text: new TextDecoder().decode(out.stdout) };
    };
    // The head signed three days ago is consistent with the latest, across the summary.
    const latest = listed!.heads.at(-1)!.tree_size;
    const consistency = await runCli([
      "sent",
      "consistency",
      "1500",
      String(latest),
      "--data-dir",
      dataDir,
    ]);
    equal(consistency.code, 0, consistency.stderr);
    const proof = JSON.parse(consistency.stdout);
    equal(proof.first.root_hash, toHex(oldHead.rootHash));
    equal((await python(consistency.stdout, proof.log_public_key)).code, 0);
    // A kept leaf of an event retention removed is still proven; a summarised one says why not.
    const kept = await runCli(["sent", "proof", String(ids[1400]), "--data-dir", dataDir]);
    equal(kept.code, 0, kept.stderr);
    equal((await python(kept.stdout, proof.log_public_key)).code, 0);
    const gone = await runCli(["sent", "proof", String(ids[5]), "--data-dir", dataDir]);
    equal(gone.code, 2);
    match(gone.stderr, /summarised when its event was removed .*keeps leaves from 1280 on/);
  },
});
