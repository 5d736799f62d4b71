import { equal, ok } from "node:assert/strict";
import { AgentLog } from "../../agent/agent_log.ts";
import { tempDir } from "../_helpers.ts";

function quietly(run: () => void): void {
  const error = console.error;
  console.error = () => {};
  try {
    run();
  } finally {
    console.error = error;
  }
}

Deno.test("the agent's log file is capped: a full one is moved to .1, the older dropped", async () => {
  await using dir = await tempDir();
  const log = new AgentLog(dir.path, { journal: false });
  const line = "x".repeat(1000);
  quietly(() => {
    for (let i = 0; i < 2500; i++) log.write(`${i} ${line}`);
  });
  const current = (await Deno.stat(`${dir.path}/vitrine.log`)).size;
  const previous = (await Deno.stat(`${dir.path}/vitrine.log.1`)).size;
  ok(current <= 1024 * 1024 && previous <= 1024 * 1024, `${current} and ${previous}`);
  ok((await Deno.readTextFile(`${dir.path}/vitrine.log`)).includes(`2499 ${line}`));
});

Deno.test("under the journal no file is written", async () => {
  await using dir = await tempDir();
  const log = new AgentLog(dir.path, { journal: true });
  equal(log.file, null);
  quietly(() => log.write("to the journal only"));
  equal(await Deno.stat(`${dir.path}/vitrine.log`).then(() => true, () => false), false);
});
