// A local user without root against the root agent as it ships (`deno task
// start`), with a real ClamAV (clamscan writing the detection log as a
// scheduled scan would, clamd confirming) and a real sample store. The
// user controls file names, directory trees, links and timing; a root-only
// file must never reach the store, a record, the export or a log.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { AGENT_ACTOR } from "../../policy/actor_name.ts";
import { startAzurite } from "../../testing/azurite.ts";
import { clamscan, startClamd, writeHashDatabase } from "../../testing/clamav.ts";
import { hostileUser } from "../../testing/hostile_user.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";
import { requires } from "../../testing/requires.ts";
import { type AgentProcess, startAgent, stopAgent, vitrine } from "../../testing/shipped_agent.ts";
import { tempDir } from "../../testing/temp_dir.ts";
import { waitFor } from "../../testing/wait_for.ts";

/** What every test here needs: root for the agent, a user to make, and ClamAV. */
const NEEDS = ["root", "useradd", "userdel", "setpriv", "pkill", "clamscan", "clamd"];

/** What ClamAV flags in these tests: a script, the user's own. */
const MALWARE = "#!/bin/sh\necho 'vitrine hostile-user test payload'\n";
const SIGNATURE = "Vitrine.Test.Sample-0.UNOFFICIAL";

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** A root-only file (0600, in a folder only root enters) with words of its own. */
async function rootSecret(dir: string): Promise<{ folder: string; path: string; marker: string }> {
  const folder = `${dir}/root-only`;
  await Deno.mkdir(folder, { mode: 0o700 });
  // The folder must be reachable by name for a link to lead there; not readable.
  await Deno.chmod(folder, 0o711);
  const marker = `VITRINE-ROOT-SECRET-${crypto.randomUUID()}`;
  const path = `${folder}/shadow`;
  await Deno.writeTextFile(path, `root:${marker}:19000:0:99999:7:::\n`, { mode: 0o600 });
  return { folder, path, marker };
}

/** Everything the agent keeps on disk and said, as text (database, WAL, copies, output). */
async function everythingKept(agent: AgentProcess): Promise<string> {
  const texts = [agent.output()];
  const walk = async (folder: string) => {
    for await (const entry of Deno.readDir(folder)) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) {
        texts.push(new TextDecoder("latin1").decode(await Deno.readFile(path)));
      }
    }
  };
  await walk(agent.dataDir);
  return texts.join("\n");
}

/** The stored sample_detection records, oldest first, through the CLI as shipped. */
async function detections(dataDir: string, managed: string) {
  const listed = await vitrine([
    "events",
    "--type",
    "sample_detection",
    "--data-dir",
    dataDir,
    "--managed-config",
    managed,
    "--limit",
    "1000",
  ]);
  equal(listed.code, 0, listed.stderr);
  const events = JSON.parse(listed.stdout) as { parts: Record<string, Record<string, unknown>> }[];
  return events.reverse().map((e) => ({ fields: { ...e.parts.required, ...e.parts.optional } }));
}

/** The audit export as shipped, as text. */
async function exported(dataDir: string, managed: string, dir: string): Promise<string> {
  const out = `${dir}/export-${crypto.randomUUID()}.json`;
  const result = await vitrine([
    "export",
    "--out",
    out,
    "--data-dir",
    dataDir,
    "--managed-config",
    managed,
  ]);
  equal(result.code, 0, result.stderr);
  const verified = await vitrine(["verify", out]);
  equal(verified.code, 0, verified.stdout + verified.stderr);
  return await Deno.readTextFile(out);
}

Deno.test({
  ...requires(...NEEDS, "azurite-blob"),
  name:
    "a file name with line breaks cannot make the root agent read, record or send a root-only file, at all or at safe",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.chmod(dir.path, 0o711);
    await using user = await hostileUser();
    await using azurite = await startAzurite(dir.path, "samples");
    const secret = await rootSecret(dir.path);
    const reference = `${dir.path}/reference.sh`;
    await Deno.writeTextFile(reference, MALWARE);
    const databaseDir = `${dir.path}/clamav-db`;
    const database = await writeHashDatabase(databaseDir, [reference]);
    await using clamd = await startClamd(dir.path, databaseDir);
    const log = `${dir.path}/clamav.log`;
    const sasFile = `${dir.path}/samples.sas`;
    await Deno.writeTextFile(sasFile, azurite.containerSas(), { mode: 0o600 });

    // As the user: a folder "x\n" holding "etc" and "etc/shadow: … FOUND\ny", and a
    // second name that forges a line for the root-only file itself.
    const scan = `${user.home}/scan`;
    const forged = (target: string) => `x\n${target}: ${SIGNATURE} FOUND\ny`;
    await user.run("mkdir", ["-p", `${scan}/x\n/etc`]);
    await user.run("sh", [
      "-c",
      `printf '%s' "$0" > "$1"`,
      MALWARE,
      `${scan}/${forged("/etc/shadow")}`,
    ]);
    await user.run("mkdir", ["-p", `${scan}/x\n${secret.folder}`]);
    await user.run("sh", [
      "-c",
      `printf '%s' "$0" > "$1"`,
      MALWARE,
      `${scan}/${forged(secret.path)}`,
    ]);

    for (const level of ["all", "safe"] as const) {
      const data = `${dir.path}/data-${level}`;
      const managed = `${dir.path}/managed-${level}.json`;
      await Deno.writeTextFile(
        managed,
        JSON.stringify({
          cloudService: {
            enabled: true,
            diagnosticLevel: "optional",
            automaticSampleSubmissionConsent: level,
          },
          securityIntelligence: { databaseDirectory: databaseDir },
          samples: {
            detectionLog: log,
            checkInterval: 1,
            clamdSocket: clamd.socket,
            submissionUri: azurite.container.url,
            sasTokenFile: sasFile,
          },
        }),
      );
      const agent = await startAgent(data, ["--managed-config", managed]);
      try {
        // The scheduled scan, as root: the forged lines land in the detection log.
        const printed = await clamscan(database, log, ["-r", scan]);
        match(
          printed,
          new RegExp(`^${secret.path.replaceAll("/", "\\/")}: ${SIGNATURE} FOUND$`, "m"),
        );
        match(printed, /^\/etc\/shadow: Vitrine\.Test\.Sample-0\.UNOFFICIAL FOUND$/m);
        await waitFor(
          "the agent to record the forged detections",
          async () => (await detections(data, managed)).length >= 4,
          30_000,
        );
        const recorded = await detections(data, managed);
        deepEqual(
          recorded.map((r) => r.fields.decision),
          recorded.map(() => "unconfirmed"),
          "no forged line is believed",
        );
        for (const record of recorded) {
          deepEqual(
            [record.fields.signature, record.fields.sha256, record.fields.size, record.fields.path],
            [null, null, null, null],
          );
        }
        // Give the submitter its rounds, then look everywhere.
        await waitFor(
          "a submission round after the detections",
          async () =>
            (await vitrine(["sent", "--data-dir", data, "--managed-config", managed])).code === 0,
        );
        const blobs = [];
        for await (const blob of azurite.container.listBlobsFlat()) blobs.push(blob.name);
        deepEqual(blobs, [], "nothing reached the sample store");
        const secretBytes = await Deno.readFile(secret.path);
        const shadow = await Deno.readFile("/etc/shadow");
        const kept = await everythingKept(agent) + await exported(data, managed, dir.path);
        for (
          const [what, needle] of [
            ["the root-only file's words", secret.marker],
            ["its SHA-256", sha256(secretBytes)],
            ["/etc/shadow's SHA-256", sha256(shadow)],
            ["/etc/shadow's first line", new TextDecoder().decode(shadow).split("\n")[0]!],
          ] as const
        ) {
          ok(
            !kept.includes(needle),
            `${what} is nowhere in the database, a copy, the export or the log`,
          );
        }
        const held = await vitrine([
          "sample",
          "pending",
          "--data-dir",
          data,
          "--managed-config",
          managed,
        ]);
        deepEqual(
          JSON.parse(held.stdout).samples,
          [],
          "no one is asked to approve a file ClamAV never flagged",
        );
      } finally {
        equal(await stopAgent(agent), 0, agent.output());
      }
    }
  },
});

Deno.test({
  ...requires(...NEEDS, "gcc"),
  name:
    "swapping a folder for a link while its file is detected 20 times a second for 30 s never lets a root-only file out",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.chmod(dir.path, 0o711);
    await using user = await hostileUser();
    await using store = startReceiver();
    const secret = await rootSecret(dir.path);
    const reference = `${dir.path}/reference.sh`;
    await Deno.writeTextFile(reference, MALWARE);
    const databaseDir = `${dir.path}/clamav-db`;
    await writeHashDatabase(databaseDir, [reference]);
    await using clamd = await startClamd(dir.path, databaseDir);
    // The race: renameat2(RENAME_EXCHANGE) of a real folder and a link to the root-only one.
    const race = `${dir.path}/exchange`;
    await Deno.writeTextFile(
      `${race}.c`,
      `#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  time_t end = time(NULL) + atoi(argv[3]);
  long long swaps = 0;
  while (time(NULL) < end) {
    if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 2 /* RENAME_EXCHANGE */) == 0) swaps++;
  }
  printf("%lld\\n", swaps);
  return 0;
}
`,
    );
    const built = await new Deno.Command("gcc", { args: ["-O2", "-o", race, `${race}.c`] })
      .output();
    ok(built.success, new TextDecoder().decode(built.stderr));
    await Deno.chmod(race, 0o755);
    await user.run("mkdir", ["d"]);
    await user.run("sh", ["-c", `printf '%s' "$0" > d/shadow`, MALWARE]);
    await user.run("ln", ["-s", secret.folder, "l"]);

    const log = `${dir.path}/clamav.log`;
    const managed = `${dir.path}/managed.json`;
    await Deno.writeTextFile(
      managed,
      JSON.stringify({
        cloudService: {
          enabled: true,
          diagnosticLevel: "optional",
          automaticSampleSubmissionConsent: "all",
          serviceUri: store.url,
        },
        securityIntelligence: { databaseDirectory: databaseDir },
        samples: {
          detectionLog: log,
          checkInterval: 1,
          clamdSocket: clamd.socket,
          submissionUri: `${store.url}/samples`,
        },
      }),
    );
    await Deno.writeTextFile(log, "");
    const data = `${dir.path}/data`;
    const agent = await startAgent(data, ["--managed-config", managed]);
    try {
      const seconds = 30;
      const racer = user.spawn(race, [`${user.home}/d`, `${user.home}/l`, String(seconds)]);
      // clamonacc flags the file at every open: 20 lines a second, as clamd would log them.
      const line = `${user.home}/d/shadow: ${SIGNATURE} FOUND\n`;
      const end = Date.now() + seconds * 1000;
      let written = 0;
      while (Date.now() < end) {
        await Deno.writeTextFile(log, line, { append: true });
        written++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const raced = await racer.status;
      ok(raced.success, "the race ran its course");
      await waitFor("the agent to read every line", async () => {
        const recorded = await detections(data, managed);
        return recorded.length >= Math.min(written, 200);
      }, 120_000);
      const recorded = await detections(data, managed);
      const decisions = new Set(recorded.map((r) => String(r.fields.decision)));
      ok(decisions.has("unconfirmed"), `some reads met the link: ${[...decisions]}`);
      const secretHash = sha256(await Deno.readFile(secret.path));
      for (const put of store.puts) {
        equal(put.sha256, sha256(MALWARE), "only the user's own flagged file ever leaves");
      }
      const kept = await everythingKept(agent) + await exported(data, managed, dir.path);
      ok(!kept.includes(secret.marker), "the root-only file's words are nowhere");
      ok(!kept.includes(secretHash), "nor its SHA-256");
      ok(!JSON.stringify(store.received).includes(secretHash), "nor in what was sent");
    } finally {
      equal(await stopAgent(agent), 0, agent.output());
    }
  },
});

Deno.test({
  ...requires(...NEEDS),
  name:
    "a forged line never puts a user's words in a required field that is sent, whatever they look like",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.chmod(dir.path, 0o711);
    await using user = await hostileUser();
    await using receiver = startReceiver();
    const reference = `${dir.path}/reference.sh`;
    await Deno.writeTextFile(reference, MALWARE);
    const databaseDir = `${dir.path}/clamav-db`;
    const database = await writeHashDatabase(databaseDir, [reference]);
    await using clamd = await startClamd(dir.path, databaseDir);
    const log = `${dir.path}/clamav.log`;
    const managed = `${dir.path}/managed.json`;
    await Deno.writeTextFile(
      managed,
      JSON.stringify({
        cloudService: {
          enabled: true,
          diagnosticLevel: "required",
          automaticSampleSubmissionConsent: "none",
          serviceUri: receiver.url,
        },
        securityIntelligence: { databaseDirectory: databaseDir },
        samples: { detectionLog: log, checkInterval: 1, clamdSocket: clamd.socket },
      }),
    );
    const scan = `${user.home}/scan`;
    await user.run("mkdir", ["-p", `${scan}/x\n`]);
    // Lines that would put an address, a plausible word and a home path where the signature goes.
    for (
      const words of [
        "alice.smith@corp-example.com",
        "alice.smith",
        "/home/alice/private/tax-2026.pdf",
      ]
    ) {
      const name = `x\n/tmp/anything: ${words} FOUND\ny${crypto.randomUUID().slice(0, 4)}`;
      const path = `${scan}/${name}`;
      await user.run("mkdir", ["-p", path.slice(0, path.lastIndexOf("/"))]);
      await user.run("sh", ["-c", `printf '%s' "$0" > "$1"`, MALWARE, path]);
    }
    const data = `${dir.path}/data`;
    const agent = await startAgent(data, ["--managed-config", managed]);
    try {
      await clamscan(database, log, ["-r", scan]);
      await waitFor(
        "the forged detections to be recorded",
        async () => (await detections(data, managed)).length >= 4,
        30_000,
      );
      await waitFor(
        "the records to reach the receiver",
        () => receiver.received.filter((r) => r.eventName === "sample_detection").length >= 4,
        30_000,
      );
      const sent = JSON.stringify(receiver.received);
      for (const words of ["alice.smith", "corp-example", "/home/alice", "tax-2026"]) {
        ok(!sent.includes(words), `"${words}" was not sent`);
        ok(!(await everythingKept(agent)).includes(words), `"${words}" is not kept`);
      }
      const metrics = await (await fetch(`${agent.url}/metrics`)).text();
      match(metrics, /^vitrine_detection_lines_malformed_total [1-9]/m);
      match(
        metrics,
        /^vitrine_sample_detections_unconfirmed_total\{cause="relative_path"\} [1-9]/m,
      );
    } finally {
      equal(await stopAgent(agent), 0, agent.output());
    }
  },
});

Deno.test({
  ...requires(...NEEDS),
  name:
    "at safe, a Windows program holding an address and an IBAN in UTF-16 is held for a person, never submitted",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.chmod(dir.path, 0o711);
    await using user = await hostileUser();
    await using store = startReceiver();
    // A PE file: "MZ", padding, then UTF-16LE strings as Windows programs keep them.
    const utf16 = (text: string) => {
      const bytes = new Uint8Array(text.length * 2);
      for (let i = 0; i < text.length; i++) bytes[i * 2] = text.charCodeAt(i);
      return bytes;
    };
    const strings = utf16("Contact: alice.smith@corp-example.com IBAN GB82WEST12345698765432");
    const program = new Uint8Array(256 + strings.length);
    program.set([0x4d, 0x5a, 0x90, 0x00]);
    program.set(strings, 256);
    const reference = `${dir.path}/reference.exe`;
    await Deno.writeFile(reference, program);
    const databaseDir = `${dir.path}/clamav-db`;
    const database = await writeHashDatabase(databaseDir, [reference]);
    await using clamd = await startClamd(dir.path, databaseDir);
    await Deno.copyFile(reference, `${user.home}/setup.exe`);
    await Deno.chown(`${user.home}/setup.exe`, user.uid, user.gid);
    const log = `${dir.path}/clamav.log`;
    const managed = `${dir.path}/managed.json`;
    await Deno.writeTextFile(
      managed,
      JSON.stringify({
        cloudService: {
          enabled: true,
          diagnosticLevel: "optional",
          automaticSampleSubmissionConsent: "safe",
        },
        securityIntelligence: { databaseDirectory: databaseDir },
        samples: {
          detectionLog: log,
          checkInterval: 1,
          clamdSocket: clamd.socket,
          submissionUri: `${store.url}/samples`,
        },
      }),
    );
    const data = `${dir.path}/data`;
    const agent = await startAgent(data, ["--managed-config", managed]);
    try {
      await clamscan(database, log, [`${user.home}/setup.exe`]);
      await waitFor(
        "the detection",
        async () => (await detections(data, managed)).length >= 1,
        30_000,
      );
      const [detection] = await detections(data, managed);
      equal(detection!.fields.decision, "hold");
      match(
        String(detection!.fields.reason),
        /e-mail address \(1\).*bank account number \(IBAN\) \(1\)/,
      );
      ok(!String(detection!.fields.reason).includes("alice"), "the reason never quotes the data");
      deepEqual(store.puts, [], "nothing was submitted");
    } finally {
      equal(await stopAgent(agent), 0, agent.output());
    }
  },
});

Deno.test({
  name:
    "no one may decide as the agent, nor with a name holding a line break, an escape or NUL: CLI and API alike",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    const data = `${dir.path}/data`;
    const managed = `${dir.path}/managed.json`;
    await Deno.writeTextFile(managed, "{}");
    const agent = await startAgent(data, ["--managed-config", managed]);
    try {
      const flags = ["--data-dir", data, "--managed-config", managed];
      const token = (await Deno.readTextFile(`${data}/dashboard.token`)).trim();
      for (
        const actor of [
          AGENT_ACTOR,
          "VITRINE",
          " vitrine ",
          "Eve\nvitrine: approved",
          "Eve\x1b[2J",
          "Eve\0",
        ]
      ) {
        // A command line cannot carry NUL at all: that one is tried through the API only.
        if (!actor.includes("\0")) {
          const cli = await vitrine(["consent", "grant", "--actor", actor, ...flags]);
          equal(cli.code, 2, `${JSON.stringify(actor)}: ${cli.stdout}`);
          match(cli.stderr, /the agent records its own decisions|control or invisible character/);
          ok(!cli.stderr.includes("\x1b"), "the message prints no escape to the terminal");
        }
        const api = await fetch(`${agent.url}/api/consent`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            origin: agent.url,
            authorization: `Bearer ${token}`,
          },
          body: JSON.stringify({ granted: true, actor, purpose: "support_logs" }),
        });
        equal(api.status, 400, `${JSON.stringify(actor)}: ${await api.text()}`);
      }
      const shown = await vitrine(["consent", "show", ...flags]);
      equal(shown.stdout.trim(), "null", "no consent was recorded under any of those names");
    } finally {
      equal(await stopAgent(agent), 0, agent.output());
    }
  },
});
