// "Delete my diagnostic data", tried on the agent as `deno task start` runs
// it: what was there is nowhere in the database, its log or the data
// directory afterwards; the backend gets the record first; an administrator
// can forbid it; only the dashboard token from this origin may ask; an
// export under way stops; kill -9 in the middle leaves it done or not begun.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { seedStore } from "../../bench/_seed_store.ts";
import { ensureToken } from "../../agent/dashboard_token.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";
import { requires } from "../../testing/requires.ts";
import {
  endChild,
  readUntil,
  runCli,
  spawnAgent,
  startTestAgent,
  tempDir,
  waitFor,
  writeManaged,
} from "../_helpers.ts";

/** Starts the agent as shipped on `dataDir`; its port once it serves. */
async function shipped(
  dataDir: string,
  managed: string,
): Promise<{ agent: Deno.ChildProcess; port: number }> {
  const agent = spawnAgent([
    ...["--data-dir", dataDir, "--port", "0", "--managed-config", managed, "--interval", "1"],
  ]);
  const said = await readUntil(agent.stderr, "Dashboard:");
  return { agent, port: Number(/127\.0\.0\.1:(\d+)/.exec(said)![1]) };
}

/** Every file under `dir`, as bytes, joined: to look for what must be gone. */
async function everyByte(dir: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const walk = async (path: string): Promise<void> => {
    for await (const entry of Deno.readDir(path)) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(child);
      else if (entry.isFile) parts.push(await Deno.readFile(child));
    }
  };
  await walk(dir);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

function occurrences(haystack: Uint8Array, needle: string): number {
  const bytes = new TextEncoder().encode(needle);
  let found = 0;
  outer: for (let i = 0; i + bytes.length <= haystack.length; i++) {
    for (let j = 0; j < bytes.length; j++) if (haystack[i + j] !== bytes[j]) continue outer;
    found++;
  }
  return found;
}

// deno-lint-ignore no-explicit-any
async function health(dataDir: string): Promise<Record<string, any>> {
  return JSON.parse((await runCli(["health", "--data-dir", dataDir])).stdout);
}

Deno.test({
  name:
    "as shipped, deleting leaves nothing that was there in the database, its log or the data directory, and the backend gets the record first",
  ...requires("root"),
  fn: async () => {
    await using dir = await tempDir();
    await using receiver = startReceiver();
    // The backend is down at first: records wait in the outbox.
    receiver.behave({ kind: "status", status: 503 });
    const dataDir = `${dir.path}/data`;
    // A value only this run has, to look for afterwards: the organisation id on every record.
    const marker = `org${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    const managed = await writeManaged(dir.path, {
      cloudService: { enabled: true, serviceUri: receiver.url, diagnosticLevel: "optional" },
      orgId: marker,
    });
    const { agent } = await shipped(dataDir, managed);
    try {
      await waitFor("records waiting in the outbox", async () => {
        const h = await health(dataDir);
        return h.uplink.depth.required > 3 && h.uplink.depth.optional > 3;
      }, 30_000);
      // A support bundle, gathered with consent.
      equal((await runCli(["consent", "grant", "--actor", "Ann", "--data-dir", dataDir])).code, 0);
      const collected = await runCli(["support", "collect", "--data-dir", dataDir]);
      equal(collected.code, 0, collected.stderr);
      ok(occurrences(await everyByte(dataDir), marker) > 0, "the marker is there before");
      // From now on records carry another organisation id: the marker is
      // only in what was there before the deletion.
      await Deno.writeTextFile(
        managed,
        JSON.stringify({
          cloudService: { enabled: true, serviceUri: receiver.url, diagnosticLevel: "optional" },
          orgId: "after-the-deletion",
        }),
      );
      await waitFor("the agent on the new policy", async () => {
        const h = await health(dataDir);
        return h.policy.settings.some((s: { key: string; value: unknown }) =>
          s.key === "orgId" && s.value === "after-the-deletion"
        ) && h.agent.policy !== undefined;
      });
      const before = await health(dataDir);

      const deleted = await runCli([
        "data",
        "delete",
        "--actor",
        "Ann Example",
        "--data-dir",
        dataDir,
      ]);
      equal(deleted.code, 0, deleted.stderr);
      match(
        deleted.stdout,
        /Deleted \d+ required and \d+ optional records, 0 samples and 1 support bundles; \d+ records that waited/,
      );
      const after = await health(dataDir);
      equal(after.deletion.waiting, 1, "the record waits for the backend");
      const records = JSON.parse(
        (await runCli(["events", "--data-dir", dataDir, "--type", "diagnostic_data_deletion"]))
          .stdout,
      );
      equal(records.length, 1);
      const fields = records[0].parts.required;
      equal(fields.actor, "Ann Example");
      ok(fields.deleted_required >= before.counts.required, JSON.stringify(fields));
      ok(fields.withdrawn_required + fields.withdrawn_optional > 0, "what waited was withdrawn");
      equal(fields.bundles_deleted, 1);
      ok(fields.data_from <= fields.data_to);
      await endChild(agent);
      const bytes = await everyByte(dataDir);
      equal(
        occurrences(bytes, marker),
        0,
        "nothing of what was there: no record, index, key name, WAL frame or bundle holds the marker",
      );
    } finally {
      await endChild(agent);
    }

    // Back up: the first record the backend receives is the deletion.
    receiver.behave({ kind: "accept" });
    const again = await shipped(dataDir, managed);
    try {
      await waitFor(
        "the deletion record at the backend",
        () => receiver.received.some((r) => r.eventName === "diagnostic_data_deletion"),
        90_000,
      );
      equal(receiver.received[0]!.eventName, "diagnostic_data_deletion");
      const record = receiver.received[0]!;
      equal(record.attributes.actor, "Ann Example");
      ok(record.resource.machine_guid, "the machine is named");
      await waitFor(
        "the notice forgotten once delivered",
        async () => (await health(dataDir)).deletion.waiting === 0,
        30_000,
      );
    } finally {
      await endChild(again.agent);
    }
  },
});

Deno.test("an administrator's privacy.allowDataDeletion false refuses the command, the API and the page, naming the managed file", async () => {
  await using dir = await tempDir();
  const dataDir = `${dir.path}/data`;
  const managed = await writeManaged(dir.path, {
    cloudService: { diagnosticLevel: "optional" },
    privacy: { allowDataDeletion: false },
  });
  // The command alone (no agent): refused, nothing deleted.
  {
    await using agent = await startTestAgent({ dataDir, managedFile: managed });
    await agent.collectNow("system");
  }
  const refused = await runCli([
    "data",
    "delete",
    "--actor",
    "Ann",
    "--data-dir",
    dataDir,
    "--managed-config",
    managed,
  ]);
  equal(refused.code, 1);
  match(refused.stderr, new RegExp(`turned off by the administrator in "${managed}"`));
  const { agent, port } = await shipped(dataDir, managed);
  try {
    const token = await ensureToken(dataDir);
    const answer = await fetch(`http://127.0.0.1:${port}/api/data/delete`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ actor: "Ann" }),
    });
    equal(answer.status, 409);
    match((await answer.json()).error, /privacy\.allowDataDeletion is false/);
    const page = await (await fetch(`http://127.0.0.1:${port}/privacy?token=${token}`)).text();
    ok(page.includes(managed), "the page names the managed file");
    ok(!page.includes('data-deletion="all"'), "and offers no deletion form");
    ok((await health(dataDir)).counts.required > 0, "nothing was deleted");
  } finally {
    await endChild(agent);
  }
});

Deno.test("only the dashboard token from this origin may delete: no token, a read token, another origin are refused", async () => {
  await using dir = await tempDir();
  const dataDir = `${dir.path}/data`;
  const managed = await writeManaged(dir.path, {});
  const { agent, port } = await shipped(dataDir, managed);
  try {
    const url = `http://127.0.0.1:${port}/api/data/delete`;
    const body = JSON.stringify({ actor: "Mallory" });
    const json = { "content-type": "application/json" };
    const token = await ensureToken(dataDir);
    const read = await ensureToken(dataDir, "read");
    const answers = [
      await fetch(url, { method: "POST", headers: json, body }),
      await fetch(url, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${read}` },
        body,
      }),
      await fetch(url, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${token}`, origin: "http://evil.example" },
        body,
      }),
    ];
    for (const answer of answers) await answer.body?.cancel();
    deepEqual(answers.map((a) => a.status >= 400 && a.status < 500), [true, true, true]);
    await waitFor("some records", async () => (await health(dataDir)).counts.required > 0);
    const records = JSON.parse(
      (await runCli(["events", "--data-dir", dataDir, "--type", "diagnostic_data_deletion"]))
        .stdout,
    );
    equal(records.length, 0, "nothing was deleted");
  } finally {
    await endChild(agent);
  }
});

/** A data directory holding `count` seeded events (as the benchmarks seed them). */
async function seeded(dir: string, count: number): Promise<string> {
  const dataDir = `${dir}/data`;
  await Deno.mkdir(dataDir, { recursive: true });
  await seedStore(`${dataDir}/vitrine.db`, `${dir}/plain.db`, count, false);
  return dataDir;
}

Deno.test("an export under way when the data is deleted stops, saying why, and holds no trailer", async () => {
  await using dir = await tempDir();
  const dataDir = await seeded(dir.path, 60_000);
  const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "optional" } });
  const { agent, port } = await shipped(dataDir, managed);
  try {
    const token = await ensureToken(dataDir);
    const response = await fetch(`http://127.0.0.1:${port}/api/export?token=${token}`);
    equal(response.status, 200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value ?? "";
    const deleted = await runCli(["data", "delete", "--actor", "Ann", "--data-dir", dataDir]);
    equal(deleted.code, 0, deleted.stderr);
    let failed: Error | null = null;
    try {
      while (true) {
        const next = await reader.read();
        if (next.done) break;
        text += next.value;
      }
    } catch (error) {
      failed = error as Error;
    }
    ok(
      failed !== null || !text.includes('"trailer"'),
      "the export did not finish as if nothing happened",
    );
    ok(!text.includes('"trailer"'), "no trailer: the export cannot verify");
  } finally {
    await endChild(agent);
  }
});

Deno.test({
  name: "kill -9 in the middle of a deletion: after a restart it is done or not begun, never half",
  ...requires("root"),
  fn: async () => {
    await using dir = await tempDir();
    const count = 100_000;
    const dataDir = await seeded(dir.path, count);
    const managed = await writeManaged(dir.path, {});
    const eventsNow = () => {
      const db = new DatabaseSync(`${dataDir}/vitrine.db`, { readOnly: true });
      try {
        const events = (db.prepare("SELECT count(*) AS n FROM event").get() as { n: number }).n;
        const records = (db.prepare(
          "SELECT count(*) AS n FROM event WHERE type = 'diagnostic_data_deletion'",
        ).get() as { n: number }).n;
        return { events, records };
      } finally {
        db.close();
      }
    };
    const walBytes = () => {
      try {
        return Deno.statSync(`${dataDir}/vitrine.db-wal`).size;
      } catch {
        return 0;
      }
    };
    // Killed while the deletion's transaction writes (its log grows by megabytes).
    const { agent } = await shipped(dataDir, managed);
    const before = eventsNow();
    const wal = walBytes();
    const asking = runCli(["data", "delete", "--actor", "Ann", "--data-dir", dataDir]);
    await waitFor("the deletion writing", () => walBytes() > wal + 4 * 1048576, 60_000, 5);
    agent.kill("SIGKILL");
    await endChild(agent);
    const answer = await asking;
    ok(answer.code !== 0, "the command saw the agent die before it answered");
    const restarted = await shipped(dataDir, managed);
    await endChild(restarted.agent);
    const half = eventsNow();
    ok(
      half.records === before.records && half.events >= before.events,
      `not begun after a kill in the middle: ${JSON.stringify({ before, half })}`,
    );
    // And let through, it is done.
    const again = await shipped(dataDir, managed);
    try {
      const done = await runCli(["data", "delete", "--actor", "Ann", "--data-dir", dataDir]);
      equal(done.code, 0, done.stderr);
    } finally {
      await endChild(again.agent);
    }
    const after = eventsNow();
    equal(after.records, before.records + 1);
    ok(after.events < 100, `${after.events} events left`);
  },
});

Deno.test({
  name: "on a full disk a deletion is refused whole, saying so, and deletes nothing",
  ...requires("root", "mount"),
  fn: async () => {
    await using dir = await tempDir();
    const { mountTmpfs, fillDisk } = await import("../_helpers.ts");
    await using disk = await mountTmpfs(`${dir.path}/disk`, 8);
    const dataDir = `${disk.path}/data`;
    const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "optional" } });
    const agent = await startTestAgent({ dataDir, managedFile: managed });
    try {
      for (let i = 0; i < 5; i++) await agent.collectNow("system");
      const before = (await agent.store.db.selectFrom("event").select((eb) =>
        eb.fn.countAll<number>().as("n")
      ).executeTakeFirst())!.n;
      await fillDisk(disk.path);
      const failed = await agent.deleteDiagnosticData("Ann").catch((error: Error) => error);
      ok(failed instanceof Error, "the deletion failed");
      match(failed.message, /full|disk|space/i);
      const after = (await agent.store.db.selectFrom("event").select((eb) =>
        eb.fn.countAll<number>().as("n")
      ).executeTakeFirst())!.n;
      equal(Number(after), Number(before), "nothing was deleted");
    } finally {
      await agent.stop().catch(() => {});
    }
  },
});

Deno.test({
  name: "as shipped, a sample held for a person's consent goes with its private copy",
  ...requires("clamscan"),
  fn: async () => {
    await using dir = await tempDir();
    const { clamscan, writeHashDatabase } = await import("../../testing/clamav.ts");
    const token = `held${crypto.randomUUID().replaceAll("-", "")}`;
    const letter = `${dir.path}/files/letter.txt`;
    await Deno.mkdir(`${dir.path}/files`);
    // Text naming a person: at safe it is held until someone consents.
    await Deno.writeTextFile(letter, `Dear Jane,\nwrite to jane.doe@example.org (${token})\n`);
    const databaseDirectory = `${dir.path}/clamav-db`;
    const database = await writeHashDatabase(databaseDirectory, [letter]);
    const log = `${dir.path}/clamscan.log`;
    const managed = await writeManaged(dir.path, {
      cloudService: { diagnosticLevel: "optional", automaticSampleSubmissionConsent: "safe" },
      securityIntelligence: { databaseDirectory },
      samples: { detectionLog: log, checkInterval: 1, clamdSocket: null },
    });
    const dataDir = `${dir.path}/data`;
    const { agent } = await shipped(dataDir, managed);
    try {
      await clamscan(database, log, [letter]);
      const pending = async () =>
        JSON.parse((await runCli(["sample", "pending", "--data-dir", dataDir])).stdout).samples;
      await waitFor("the letter held", async () => (await pending()).length === 1, 60_000);
      ok(occurrences(await everyByte(dataDir), token) > 0, "its private copy is kept");
      const deleted = await runCli(["data", "delete", "--actor", "Jane", "--data-dir", dataDir]);
      equal(deleted.code, 0, deleted.stderr);
      match(deleted.stdout, /, 1 samples and 0 support bundles/);
      deepEqual(await pending(), []);
      await endChild(agent);
      equal(occurrences(await everyByte(dataDir), token), 0, "no copy, no record, no index of it");
    } finally {
      await endChild(agent);
    }
  },
});

Deno.test({
  name:
    "in the dashboard a person deletes their data with the privacy page's button, asked again first",
  ...requires("chromium"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    const { launchBrowser } = await import("../../testing/browser.ts");
    const dataDir = `${dir.path}/data`;
    const managed = await writeManaged(dir.path, { cloudService: { diagnosticLevel: "optional" } });
    const { agent, port } = await shipped(dataDir, managed);
    const browser = await launchBrowser();
    try {
      await waitFor("some records", async () => (await health(dataDir)).counts.optional > 2);
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/privacy?token=${await ensureToken(dataDir)}`);
      const form = page.locator("form[data-deletion]");
      await form.locator("input[name=actor]").fill("Grace Example");
      await form.locator("button[type=submit]").click();
      // The dialog says what will go, and nothing goes on Cancel.
      const dialog = page.locator("#confirm-change");
      await dialog.waitFor({ state: "visible" });
      match(await dialog.textContent() ?? "", /stored records, .* waiting to be sent/);
      await dialog.locator("button[value=cancel]").click();
      equal(
        JSON.parse(
          (await runCli(["events", "--data-dir", dataDir, "--type", "diagnostic_data_deletion"]))
            .stdout,
        ).length,
        0,
      );
      await form.locator("button[type=submit]").click();
      await dialog.waitFor({ state: "visible" });
      await dialog.locator("button[value=apply]").click();
      await page.waitForSelector("form[data-deletion] output.ok", { timeout: 20_000 });
      match(await page.locator("form[data-deletion] output").textContent() ?? "", /^Deleted\./);
      const records = JSON.parse(
        (await runCli(["events", "--data-dir", dataDir, "--type", "diagnostic_data_deletion"]))
          .stdout,
      );
      equal(records.length, 1);
      equal(records[0].parts.required.actor, "Grace Example");
    } finally {
      await browser.close();
      await endChild(agent);
    }
  },
});

Deno.test({
  name:
    "a deletion while a send round waits on the backend abandons the round; nothing deleted is exported or sent afterwards",
  ...requires("root"),
  fn: async () => {
    await using dir = await tempDir();
    await using receiver = startReceiver();
    // The backend takes the request and never answers: a round is under way.
    receiver.behave({ kind: "hang" });
    const dataDir = `${dir.path}/data`;
    const marker = `org${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    const settings = (orgId: string) => ({
      cloudService: {
        enabled: true,
        serviceUri: receiver.url,
        diagnosticLevel: "optional",
        // Far longer than the test: only the deletion can end the round.
        timeout: 600,
      },
      orgId,
    });
    const managed = await writeManaged(dir.path, settings(marker));
    const { agent } = await shipped(dataDir, managed);
    try {
      await waitFor("a request the backend holds", () => receiver.answers.includes("hang"), 30_000);
      await Deno.writeTextFile(managed, JSON.stringify(settings("after-the-deletion")));
      await waitFor(
        "the agent on the new policy",
        async () =>
          (await health(dataDir)).policy.settings.some((s: { key: string; value: unknown }) =>
            s.key === "orgId" && s.value === "after-the-deletion"
          ),
      );
      const started = Date.now();
      const deleted = await runCli(["data", "delete", "--actor", "Ann", "--data-dir", dataDir]);
      equal(deleted.code, 0, deleted.stderr);
      ok(Date.now() - started < 60_000, "the deletion did not wait for the request's timeout");
      const sent = JSON.parse((await runCli(["sent", "--data-dir", dataDir])).stdout);
      ok(
        JSON.stringify(sent).includes("abandoned"),
        "the abandoned round is in the sent log as withdrawn",
      );
      // An export made afterwards verifies and holds nothing from before.
      const out = `${dir.path}/after.json`;
      const exported = await runCli(["export", "--out", out, "--data-dir", dataDir]);
      equal(exported.code, 0, exported.stderr);
      const verified = await runCli(["verify", out]);
      equal(verified.code, 0, verified.stdout + verified.stderr);
      ok(!(await Deno.readTextFile(out)).includes(marker), "the export holds nothing deleted");
      receiver.behave({ kind: "accept" });
      await waitFor(
        "the deletion record at the backend",
        () => receiver.received.some((r) => r.eventName === "diagnostic_data_deletion"),
        90_000,
      );
      equal(receiver.received[0]!.eventName, "diagnostic_data_deletion");
      await waitFor("records made after it", () => receiver.received.length > 3, 30_000);
      equal(
        receiver.received.filter((r) => JSON.stringify(r).includes(marker)).length,
        0,
        "nothing that was deleted reached the backend",
      );
    } finally {
      await endChild(agent);
    }
  },
});
