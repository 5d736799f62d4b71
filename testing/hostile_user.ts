/**
 * A local user without root, made for a test and removed after it: an
 * account of its own (useradd), a directory it owns in a world-traversable
 * folder, and its commands run with its ids alone (setpriv: no groups, no
 * new privileges). What it writes there — names, links, trees, races — is
 * what a hostile user of a machine running vitrine as root can write.
 *
 * @module
 */

/** The user, its directory, and a way to act as it. */
export interface HostileUser {
  name: string;
  uid: number;
  gid: number;
  /** A directory the user owns (0755), in a folder of the test's own. */
  home: string;
  /** Runs `command` as the user; resolves with what it printed, or throws when it failed. */
  run(command: string, args: string[]): Promise<string>;
  /** Starts `command` as the user in the background. */
  spawn(command: string, args: string[]): Deno.ChildProcess;
  [Symbol.asyncDispose](): Promise<void>;
}

async function root(command: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) {
    throw new Error(`${command} ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
  }
  return new TextDecoder().decode(output.stdout);
}

/** Makes the user (as root); `dispose` removes it, its processes and its files. */
export async function hostileUser(): Promise<HostileUser> {
  const name = `vthostile${crypto.randomUUID().slice(0, 6)}`;
  await root("useradd", ["--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name]);
  const uid = Number((await root("id", ["-u", name])).trim());
  const gid = Number((await root("id", ["-g", name])).trim());
  // Traversable by anyone (as /home is), owned by root; the user's own folder inside.
  const folder = await Deno.makeTempDir({ prefix: "vitrine-hostile-" });
  await Deno.chmod(folder, 0o755);
  const home = `${folder}/home`;
  await Deno.mkdir(home, { mode: 0o755 });
  await Deno.chown(home, uid, gid);
  const as = ["--reuid", String(uid), "--regid", String(gid), "--clear-groups", "--no-new-privs"];
  const children: Deno.ChildProcess[] = [];
  return {
    name,
    uid,
    gid,
    home,
    async run(command, args) {
      const output = await new Deno.Command("setpriv", {
        args: [...as, "--", command, ...args],
        cwd: home,
        env: { HOME: home, PATH: "/usr/local/bin:/usr/bin:/bin" },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!output.success) {
        throw new Error(
          `as ${name}: ${command} ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`,
        );
      }
      return new TextDecoder().decode(output.stdout);
    },
    spawn(command, args) {
      const child = new Deno.Command("setpriv", {
        args: [...as, "--", command, ...args],
        cwd: home,
        env: { HOME: home, PATH: "/usr/local/bin:/usr/bin:/bin" },
        clearEnv: true,
        stdout: "null",
        stderr: "piped",
      }).spawn();
      children.push(child);
      return child;
    },
    async [Symbol.asyncDispose]() {
      for (const child of children) {
        try {
          child.kill("SIGKILL");
        } catch { /* ended */ }
        await child.status;
        await child.stderr.cancel().catch(() => {});
      }
      await new Deno.Command("pkill", { args: ["-KILL", "-u", String(uid)] }).output();
      await root("userdel", [name]).catch(() => {});
      await Deno.remove(folder, { recursive: true }).catch(() => {});
    },
  };
}
