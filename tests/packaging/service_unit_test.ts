// The packaged service unit: its exposure score stays at or below 2.0, and
// the agent lives with what it forbids. systemd is not PID 1 here, so the
// restrictions seccomp can reproduce — the system-call filter, the address
// families and MemoryDenyWriteExecute — are installed by a small C program
// (built with gcc, linked with libseccomp) exactly as the unit states them,
// and the agent runs under them: it starts, tells the notification socket
// it is ready, reads fanotify, writes its database and sends.
import { equal, ok } from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import { ROOT, runCli, tempDir, waitFor, writeManaged } from "../_helpers.ts";
import { listenNotify } from "../_notify.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";
import { requires } from "../../testing/requires.ts";

const UNIT = `${ROOT}packaging/vitrine.service`;
const LIBSECCOMP = "/usr/lib/x86_64-linux-gnu/libseccomp.so.2";

async function run(command: string, args: string[]): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  return { code: output.code, out: text.decode(output.stdout) + text.decode(output.stderr) };
}

Deno.test({
  name: "the unit's exposure is at most 2.0 and systemd-analyze verify has nothing to say",
  ...requires("systemd-analyze"),
  fn: async () => {
    const security = await run("systemd-analyze", ["security", "--offline=true", UNIT]);
    const score = /Overall exposure level for vitrine\.service: ([\d.]+)/.exec(security.out)?.[1];
    ok(score !== undefined, security.out);
    ok(Number(score) <= 2.0, `exposure ${score}:\n${security.out}`);
    // verify needs ExecStart to exist: point it at this machine's Deno.
    await using dir = await tempDir();
    const copy = `${dir.path}/vitrine.service`;
    await Deno.writeTextFile(
      copy,
      (await Deno.readTextFile(UNIT)).replaceAll("/usr/bin/vitrine", Deno.execPath()),
    );
    const verify = await run("systemd-analyze", ["verify", copy]);
    equal(verify.code, 0, verify.out);
    equal(verify.out.trim(), "", "no remarks");
  },
});

Deno.test({
  name: "with the sample-reading drop-in homes and /tmp are visible read-only, at exposure 2.3",
  ...requires("systemd-analyze"),
  fn: async () => {
    await using dir = await tempDir();
    const copy = `${dir.path}/vitrine.service`;
    await Deno.copyFile(UNIT, copy);
    await Deno.mkdir(`${copy}.d`);
    await Deno.copyFile(
      `${ROOT}packaging/sample-reading.conf`,
      `${copy}.d/sample-reading.conf`,
    );
    const security = await run("systemd-analyze", ["security", "--offline=true", copy]);
    const score = /Overall exposure level for vitrine\.service: ([\d.]+)/.exec(security.out)?.[1];
    equal(score, "2.3", security.out);
    ok(/Service has read-only access to home directories/.test(security.out), security.out);
  },
});

/** Every system call the unit's SystemCallFilter= lines allow, groups expanded as systemd does. */
async function allowedSystemCalls(unit: string): Promise<Set<string>> {
  const groups = new Map<string, Set<string>>();
  const expand = async (group: string): Promise<Set<string>> => {
    const known = groups.get(group);
    if (known) return known;
    const { code, out } = await run("systemd-analyze", ["syscall-filter", group]);
    equal(code, 0, out);
    const names = new Set<string>();
    for (const line of out.split("\n").slice(1)) {
      const word = line.trim();
      if (word === "" || word.startsWith("#")) continue;
      for (const name of word.startsWith("@") ? await expand(word) : [word]) names.add(name);
    }
    groups.set(group, names);
    return names;
  };
  const allowed = new Set<string>();
  for (const [, value] of unit.matchAll(/^SystemCallFilter=(.*)$/gm)) {
    const deny = value!.startsWith("~");
    for (const item of value!.replace(/^~/, "").trim().split(/\s+/)) {
      for (const name of item.startsWith("@") ? await expand(item) : [item]) {
        if (deny) allowed.delete(name);
        else allowed.add(name);
      }
    }
  }
  return allowed;
}

const FAMILIES: Record<string, number> = { AF_UNIX: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16 };

/**
 * Runs the agent under the unit's system-call filter (less `refused`), address
 * families and W^X rule, and checks it starts, notifies, counts, writes and
 * sends; returns its health once records arrived.
 */
async function underTheUnit(refused: readonly string[]): Promise<{
  subsystem: { subsystem: string; notes: string[] };
}> {
  await using dir = await tempDir();
  const unit = await Deno.readTextFile(UNIT);
  ok(/^MemoryDenyWriteExecute=yes$/m.test(unit), "the unit denies W^X memory");
  const sandbox = `${dir.path}/unit_sandbox`;
  const built = await run("gcc", [
    "-O2",
    "-o",
    sandbox,
    `${ROOT}tests/packaging/_unit_sandbox.c`,
    LIBSECCOMP,
  ]);
  equal(built.code, 0, built.out);
  const allowed = await allowedSystemCalls(unit);
  for (const name of ["fanotify_init", "fanotify_mark", "open_by_handle_at", "bpf"]) {
    ok(allowed.has(name), `${name} is allowed`);
  }
  ok(!allowed.has("reboot") && !allowed.has("ptrace"), "the filter forbids");
  for (const name of refused) allowed.delete(name);
  await Deno.writeTextFile(`${dir.path}/allowed`, [...allowed].join("\n"));
  const families = /^RestrictAddressFamilies=(.*)$/m.exec(unit)![1]!.trim().split(/\s+/)
    .map((f) => FAMILIES[f]).join(",");

  await using receiver = startReceiver();
  const managed = await writeManaged(dir.path, {
    cloudService: { enabled: true, serviceUri: receiver.url, diagnosticLevel: "optional" },
  });
  // The agent as the package's launcher runs it (the start task's runtime flags).
  const words = denoConfig.tasks.start.split(" ");
  const runtime = words.slice(words.indexOf("run") + 1, words.indexOf("main.ts"));
  const socket = `${dir.path}/notify.sock`;
  const systemd = await listenNotify(socket);
  const heard = () => systemd.heard.map((h) => h.text);
  const data = `${dir.path}/data`;
  const agent = new Deno.Command(sandbox, {
    args: [
      `${dir.path}/allowed`,
      families,
      Deno.execPath(),
      "run",
      ...runtime,
      `${ROOT}main.ts`,
      "run",
      "--data-dir",
      data,
      "--port",
      "0",
      "--managed-config",
      managed,
      "--interval",
      "1",
    ],
    env: { NO_COLOR: "1", NOTIFY_SOCKET: socket, WATCHDOG_USEC: "2000000" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const errors = (async () => {
    for await (const chunk of agent.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  try {
    await waitFor("READY=1", () => heard().some((line) => line.startsWith("READY=1")), 30_000)
      .catch((error) => {
        throw new Error(`${error.message}\nagent said:\n${stderr}`);
      });
    await waitFor("WATCHDOG=1", () => heard().includes("WATCHDOG=1"), 10_000);
    // Files made where fanotify (root) or inotify watch: /tmp by default.
    const probe = await Deno.makeTempDir({ dir: "/tmp", prefix: "vitrine-unit-probe-" });
    for (let i = 0; i < 20; i++) await Deno.writeTextFile(`${probe}/f${i}`, "x");
    await Deno.remove(probe, { recursive: true });
    await waitFor(
      "records delivered to the receiver",
      () => receiver.received.length >= 5,
      30_000,
    );
    const health = JSON.parse((await runCli(["health", "--data-dir", data])).stdout);
    ok(health.counts.required > 0 && health.counts.optional > 0, "the database takes writes");
    equal(health.agent.running, true);
    const denied = stderr.split("\n").filter((line) =>
      /Operation not permitted|EPERM/.test(line) && !/FFI turbocall/.test(line)
    );
    equal(denied.length, 0, `nothing else was refused:\n${denied.join("\n")}`);
    return health.agent;
  } finally {
    agent.kill("SIGTERM");
    const status = await agent.status;
    await errors;
    await systemd.stop();
    equal(status.code, 0, `the agent stopped cleanly under the filter:\n${stderr}`);
    ok(heard().includes("STOPPING=1"), "STOPPING=1 on the way out");
  }
}

Deno.test({
  name:
    "under the unit's system-call filter, address families and W^X rule the agent starts, notifies, counts with eBPF, writes and sends",
  ...requires("systemd-analyze", "gcc", "libseccomp", "ebpf"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const agent = await underTheUnit([]);
    equal(agent.subsystem.subsystem, "ebpf", JSON.stringify(agent.subsystem));
  },
});

Deno.test({
  name:
    "with bpf(2) refused by the filter the agent says why and counts with fanotify instead (root) or inotify",
  ...requires("systemd-analyze", "gcc", "libseccomp"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const agent = await underTheUnit(["bpf"]);
    equal(
      agent.subsystem.subsystem,
      Deno.uid() === 0 ? "fanotify" : "inotify",
      JSON.stringify(agent.subsystem),
    );
    ok(
      agent.subsystem.notes.some((note) =>
        /^ebpf is not usable: .*bpf\(BPF_MAP_CREATE\).*EPERM/.test(note)
      ),
      `the note names the refused call: ${JSON.stringify(agent.subsystem.notes)}`,
    );
  },
});
