import { equal, match } from "node:assert/strict";
import { readUntil, ROOT, tempDir } from "./_helpers.ts";
import denoConfig from "../deno.json" with { type: "json" };
import { requires } from "../testing/requires.ts";

const DENORT = Deno.env.get("DENORT_BIN");

Deno.test({
  name: "deno compile builds a standalone vitrine that serves its embedded static files",
  ...requires("denort"),
  fn: async () => {
    await using dir = await tempDir();
    const binary = `${dir.path}/vitrine`;
    // The same flags as `deno task compile`, with another output path.
    const args = denoConfig.tasks.compile.split(" ").slice(1).map((arg) =>
      arg === "vitrine" ? binary : arg
    );
    const build = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      env: { DENORT_BIN: DENORT! },
    }).output();
    equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const version = await new Deno.Command(binary, { args: ["--version"] }).output();
    equal(new TextDecoder().decode(version.stdout).trim(), denoConfig.version);
    const agent = new Deno.Command(binary, {
      args: [
        "run",
        "--data-dir",
        `${dir.path}/data`,
        "--port",
        "7991",
        "--managed-config",
        `${dir.path}/none.json`,
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await readUntil(agent.stderr, "Dashboard:");
    const css = await fetch("http://127.0.0.1:7991/static/vitrine.css");
    equal(css.status, 200);
    match(await css.text(), /--required/);
    agent.kill("SIGTERM");
    equal((await agent.status).code, 0);
    await agent.stderr.cancel().catch(() => {});
  },
});
