import { ok } from "node:assert/strict";
import { exportEvents } from "../../export/export_events.ts";
import { verifyExport } from "../../export/verify_export.ts";
import { installEvent, startTestAgent, tempDir } from "../_helpers.ts";

Deno.test("an export of large records hands them out in bounded chunks that still verify", async () => {
  await using dir = await tempDir();
  const agent = await startTestAgent({ dataDir: dir.path });
  try {
    const large = "x".repeat(300_000);
    await agent.record(Array.from({ length: 12 }, (_, i) => installEvent(`${i} ${large}`)));
    const chunks: string[] = [];
    for await (
      const chunk of exportEvents(agent.store, agent.policy, agent.identity, { format: "ndjson" })
    ) {
      chunks.push(chunk);
    }
    // A chunk closes once it passes 1 MiB of text: never more than one record past it.
    const longest = Math.max(...chunks.map((chunk) => chunk.length));
    ok(longest < 1024 * 1024 + 310_000, `a chunk of ${longest} characters`);
    ok(chunks.length >= 4, `${chunks.length} chunks for 3.6 MB of records`);
    const report = await verifyExport(new Response(chunks.join("")).body!);
    ok(report.ok, JSON.stringify(report.problem));
  } finally {
    await agent.stop();
  }
});
