// Builds the Debian package, installs, upgrades and removes it (for real
// with apt-get and dpkg as root on a machine without vitrine, otherwise
// into a throwaway root through the maintainer scripts), and finds the
// install, upgrade and uninstall records in the database.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import { listEvents } from "../../store/event_queries.ts";
import { openStore } from "../../store/open_store.ts";
import { buildPackage } from "../../packaging/build_package.ts";
import { tempDir } from "../_helpers.ts";
import { missing, requires } from "../../testing/requires.ts";

const exists = (path: string) => {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

// Installing for real only where it cannot disturb an existing installation.
const REAL = missing("root", "apt-get", "dpkg", "ldconfig", "start-stop-daemon").length === 0 &&
  !exists("/usr/bin/vitrine") &&
  !exists("/var/lib/vitrine") && !exists("/var/log/vitrine");
if (!REAL) {
  console.warn("the package test installs into a throwaway root (not root, or vitrine is here)");
}

async function sh(command: string, args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(command, {
    args,
    env: { DEBIAN_FRONTEND: "noninteractive", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${command} ${args.join(" ")} failed: ${text}`);
  return text;
}

/** Where the package puts things, under `root` ("" for a real install). */
function paths(root: string) {
  return {
    launcher: `${root}/usr/bin/vitrine`,
    lib: `${root}/usr/lib/vitrine`,
    unit: `${root}/usr/lib/systemd/system/vitrine.service`,
    data: `${root}/var/lib/vitrine`,
    logs: `${root}/var/log/vitrine`,
  };
}

/** dpkg's steps, run by hand into a throwaway root. */
function throwaway(root: string) {
  const env = { DPKG_ROOT: root };
  const script = (name: string, ...args: string[]) =>
    sh("sh", [`${root}/DEBIAN/${name}`, ...args], env);
  return {
    async install(deb: string, from?: string) {
      if (from) await script("prerm", "upgrade", "0");
      await sh("dpkg-deb", ["-x", deb, root]);
      await Deno.remove(`${root}/DEBIAN`, { recursive: true }).catch(() => {});
      await sh("dpkg-deb", ["-e", deb, `${root}/DEBIAN`]);
      await script("postinst", "configure", ...(from ? [from] : []));
    },
    async remove() {
      await script("prerm", "remove");
      await Deno.remove(`${root}/usr`, { recursive: true });
      await script("postrm", "remove");
    },
    purge: () => script("postrm", "purge"),
  };
}

/** Whether process `pid` still runs (a zombie does not). */
function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/**
 * Starts `vitrine run` from the installed package as an admin would by
 * hand (detached, as with nohup) and returns its pid once it serves.
 */
async function startDetachedAgent(where: ReturnType<typeof paths>, root: string): Promise<number> {
  const env = root ? `VITRINE_LIB=${where.lib} ` : "";
  const managed = `${root}/etc/vitrine/managed.json`;
  await sh("setsid", [
    "sh",
    "-c",
    `${env}nohup ${where.launcher} run --data-dir ${where.data} --managed-config ${managed} --port 0 >/dev/null 2>&1 &`,
  ]);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const marker = JSON.parse(await Deno.readTextFile(`${where.data}/running.json`));
      if (marker.dashboard && alive(marker.pid)) return marker.pid;
    } catch {
      // Not written yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the agent started by hand never served");
}

function real() {
  return {
    install: (deb: string) => sh("apt-get", ["install", "--reinstall", "-y", deb]),
    remove: () => sh("dpkg", ["-r", "vitrine"]),
    purge: () => sh("dpkg", ["--purge", "vitrine"]),
  };
}

Deno.test({
  name:
    "the Debian package installs, upgrades and removes cleanly, runs with no Deno on PATH, and records each step",
  ...requires("dpkg-deb", "npm"),
}, async () => {
  await using out = await tempDir("vitrine-package-test-");
  const first = await buildPackage(out.path);
  const second = await buildPackage(out.path, { version: "0.1.1-test" });
  equal(first.runtime, "deno-from-npm");
  match(first.path, /vitrine_\d+\.\d+\.\d+_amd64\.deb$/);
  const root = REAL ? "" : `${out.path}/root`;
  if (!REAL) await Deno.mkdir(root);
  const where = paths(root);
  const steps = REAL ? real() : throwaway(root);
  let agentPid: number | null = null;
  try {
    await steps.install(first.path);
    // The launcher needs nothing from PATH: no Deno, no coreutils.
    const help = await new Deno.Command(where.launcher, {
      args: ["--help"],
      clearEnv: true,
      env: { PATH: "/nonexistent", ...(REAL ? {} : { VITRINE_LIB: where.lib }) },
      stdout: "piped",
      stderr: "piped",
    }).output();
    equal(help.code, 0, new TextDecoder().decode(help.stderr));
    match(new TextDecoder().decode(help.stdout), new RegExp(`^vitrine ${first.version}:`));
    // The service's agent runs with the memory settings of `deno task start`.
    const agentFlags = /--v8-flags=\S+/.exec(denoConfig.tasks.start)![0];
    const launcherText = await Deno.readTextFile(where.launcher);
    ok(launcherText.includes(agentFlags), "the launcher's run flags");
    // And the commands with those of `deno task vitrine` (an export's memory).
    const commandFlags = /--v8-flags=\S+/.exec(denoConfig.tasks.vitrine)![0];
    ok(launcherText.includes(commandFlags), "the launcher's command flags");

    if (missing("systemd-analyze").length === 0) {
      // ExecStart must name the launcher where this install put it.
      const unit = `${out.path}/vitrine.service`;
      await Deno.writeTextFile(
        unit,
        (await Deno.readTextFile(where.unit)).replaceAll("/usr/bin/vitrine", where.launcher),
      );
      const verify = await new Deno.Command("systemd-analyze", {
        args: ["verify", unit],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const said = new TextDecoder().decode(verify.stderr).trim();
      equal(verify.code, 0, said);
      equal(said, "", "systemd-analyze has no remarks");
    }

    await steps.install(second.path, first.version);
    // The same version again: a reinstall, not an upgrade from itself.
    await steps.install(second.path, second.version);
    // Without systemd, postinst tells the admin to start the agent by hand:
    // removing the package must stop that agent (cleanly), not leave it
    // running on deleted files.
    agentPid = await startDetachedAgent(where, root);
    await steps.remove();
    ok(!alive(agentPid), "the agent started by hand was stopped on removal");
    ok(!exists(`${where.data}/running.json`), "it stopped cleanly (its marker is gone)");
    ok(!exists(where.lib), "the program and its runtime are gone");
    ok(exists(where.data), "the data stays until purge");

    const store = await openStore(`${where.data}/vitrine.db`);
    let records;
    try {
      records = (await listEvents(store.db, { allowed: ["required"], type: "install" }))
        .reverse();
    } finally {
      await store.close();
    }
    deepEqual(
      records.map((r) => [r.parts.required?.code, r.parts.required?.version]),
      [
        ["install", first.version],
        ["upgrade", second.version],
        ["reinstall", second.version],
        ["uninstall", second.version],
      ],
    );
    for (const record of records) {
      const fields = record.parts.required!;
      for (const name of ["correlation_id", "version", "severity", "code", "text"]) {
        ok(typeof fields[name] === "string" && fields[name] !== "", `${name} of ${fields.code}`);
      }
    }
    match(String(records[1]!.parts.required!.text), new RegExp(`from ${first.version} to`));
    const log = await Deno.readTextFile(`${where.logs}/install.log`);
    for (const record of records) {
      ok(log.includes(String(record.parts.required!.correlation_id)), "install.log has each step");
    }
    // One operation, one id: the upgrade's prerm line carries the upgrade record's id.
    const upgradeId = String(records[1]!.parts.required!.correlation_id);
    ok(
      log.split("\n").some((line) => line.includes(upgradeId) && line.includes("prerm: stopping")),
      `prerm and postinst of the upgrade share ${upgradeId}:\n${log}`,
    );
    match(log, /systemd is not running here|vitrine\.service enabled and started/);
    // install.log names each step as its record does.
    const reinstallId = String(records[2]!.parts.required!.correlation_id);
    ok(
      log.split("\n").some((line) =>
        line.includes(reinstallId) && line.includes("postinst: reinstall recorded")
      ),
      `the reinstall is logged as one:\n${log}`,
    );

    await steps.purge();
    ok(!exists(where.data) && !exists(where.logs), "purge removes data and logs");
  } finally {
    // Whatever failed, no agent of the test's stays behind, nor the package.
    if (agentPid !== null && alive(agentPid)) Deno.kill(agentPid, "SIGKILL");
    if (REAL) await sh("dpkg", ["--purge", "vitrine"]).catch(() => {});
  }
});
