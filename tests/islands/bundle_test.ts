import { deepEqual, equal } from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import { ROOT, tempDir } from "../_helpers.ts";

Deno.test("the committed client bundles in static/ are what `deno task bundle` builds from islands/", async () => {
  await using dir = await tempDir();
  const args = denoConfig.tasks.bundle.split(" ").slice(1).map((
    arg,
  ) => (arg === "static" ? dir.path : arg));
  const build = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  equal(build.code, 0, new TextDecoder().decode(build.stderr));
  for (const name of ["charts_island.js", "charts_island.css", "privacy_island.js"]) {
    deepEqual(
      await Deno.readFile(`${dir.path}/${name}`),
      await Deno.readFile(`${ROOT}static/${name}`),
      `static/${name} is stale: run deno task bundle`,
    );
  }
});
