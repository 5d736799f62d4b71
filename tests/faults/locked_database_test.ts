// A database another process keeps locked beyond the busy timeout while
// the agent sends: the round that cannot write says so in health and the
// next one tries again; nothing escapes as an unhandled rejection (which
// would end the agent).
import { equal } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { dataPaths } from "../../store/data_paths.ts";
import { startTestAgent, tempDir, waitFor, writeManaged } from "../_helpers.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";

Deno.test("a database locked by another process while the agent sends is reported, and sending resumes", async () => {
  await using dir = await tempDir();
  await using receiver = startReceiver();
  const managed = await writeManaged(dir.path, {
    cloudService: { enabled: true, serviceUri: receiver.url, timeout: 2 },
  });
  const agent = await startTestAgent({ dataDir: dir.path, managedFile: managed });
  const other = new DatabaseSync(dataPaths(dir.path).database);
  try {
    // Hold every sent batch's bookkeeping back: another process takes the write lock.
    receiver.behave({ kind: "hang" });
    await agent.collectNow("system");
    await waitFor("a batch on its way", () => receiver.answers.includes("hang"), 10_000);
    other.exec("BEGIN IMMEDIATE");
    receiver.behave({ kind: "accept" });
    await receiver[Symbol.asyncDispose]();
    await waitFor(
      "health to name the round that could not write",
      () => agent.status().problems.some((p) => /Sending stopped short at its last round/.test(p)),
      20_000,
    );
    other.exec("ROLLBACK");
    await agent.collectNow("system");
    await waitFor(
      "the problem to clear once the database can be written",
      () => !agent.status().problems.some((p) => /Sending stopped short/.test(p)),
      20_000,
    );
    equal(agent.status().pid, Deno.pid, "the agent is still running");
  } finally {
    other.close();
    await agent.stop();
  }
});
