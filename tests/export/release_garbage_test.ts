import { equal } from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import { runtimeFlags } from "../../packaging/task_flags.ts";
import { ROOT } from "../_helpers.ts";

// What `releaseGarbage` says under the runtime flags of a deno.json task.
async function releasesUnder(task: string): Promise<string> {
  const flags = runtimeFlags(task).filter((arg) => arg !== "--no-code-cache");
  const script = `import { releaseGarbage } from "${ROOT}export/_release_garbage.ts";
console.log(releaseGarbage());`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", ...flags, script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("the commands and the agent run where an export can give its garbage back", async () => {
  equal(await releasesUnder(denoConfig.tasks.vitrine), "true", "deno task vitrine");
  equal(await releasesUnder(denoConfig.tasks.start), "true", "deno task start");
});

Deno.test("without --expose-gc, releasing garbage does nothing and says so", async () => {
  equal(await releasesUnder("deno run main.ts"), "false");
});
