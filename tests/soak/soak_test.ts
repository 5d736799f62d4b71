// The soak's short form: 75 seconds of mixed faults on a running
// agent (floods, receiver failures, policy flips, exports, eviction, FIFOs,
// kill -9), then every invariant checked. `deno task soak` is the long form.
import { equal, match } from "node:assert/strict";
import { ROOT } from "../_helpers.ts";

Deno.test("the soak's invariants hold under mixed load (short form)", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "soak", "--seconds", "75"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  // The invariants, as the soak printed them, stay in the test's output.
  console.log(said.slice(said.indexOf("Invariants:")));
  match(said, /Invariants:/);
  equal(output.code, 0, said.slice(-4000));
});
