// A damaged page inside vitrine.db is found at start, told in health, and
// answered as an error by the export (API and CLI), never as a 200 that
// stops short or a stack trace.
import { equal, match, ok } from "node:assert/strict";
import {
  endChild,
  installEvent,
  readUntil,
  runCli,
  spawnAgent,
  startTestAgent,
  tempDir,
} from "../_helpers.ts";

async function damagedDataDir(dir: string): Promise<string> {
  const dataDir = `${dir}/data`;
  const agent = await startTestAgent({ dataDir });
  for (let batch = 0; batch < 10; batch++) {
    await agent.record(
      Array.from(
        { length: 500 },
        (_, i) => installEvent(`seeded ${batch} ${i} ${"z".repeat(300)}`),
      ),
    );
  }
  await agent.stop();
  const file = await Deno.open(`${dataDir}/vitrine.db`, { read: true, write: true });
  const pages = (await file.stat()).size / 4096;
  // A page in the middle, where the events' data lies, overwritten.
  await file.seek(Math.floor(pages / 2) * 4096, Deno.SeekMode.Start);
  await file.write(new Uint8Array(4096).fill(0x41));
  file.close();
  return dataDir;
}

Deno.test("a damaged page is found at start, told in health, and exports fail as errors", async () => {
  await using dir = await tempDir();
  const dataDir = await damagedDataDir(dir.path);
  const agent = spawnAgent([
    "--data-dir",
    dataDir,
    "--port",
    "0",
    "--managed-config",
    `${dir.path}/none.json`,
  ]);
  try {
    const said = await readUntil(agent.stderr, "Dashboard:");
    match(said, /database .* is damaged/);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(said.slice(said.indexOf("Dashboard:")))?.[1]);
    const health = await (await fetch(`http://127.0.0.1:${port}/api/health`)).json();
    ok(
      health.problems.some((p: string) => /is damaged .*sqlite3 .* \.recover/.test(p)),
      health.problems.join("\n"),
    );
    // The download either is refused or breaks off: never a clean 200 without its trailer.
    const response = await fetch(`http://127.0.0.1:${port}/api/export?format=ndjson`);
    let completed = false;
    if (response.status === 200) {
      const text = await response.text().catch(() => null);
      completed = text !== null && text.includes('"record":"trailer"');
      ok(!completed, "a damaged database gave a complete-looking export");
    } else {
      equal(response.status, 503);
      match((await response.json()).error, /damaged/);
    }
    const cli = await runCli(["export", "--data-dir", dataDir, "--format", "ndjson"]);
    equal(cli.code, 1, cli.stderr);
    match(cli.stderr, /^vitrine export: The database .* is damaged/);
    ok(!/\n\s+at /.test(cli.stderr), `a stack trace: ${cli.stderr}`);
  } finally {
    await endChild(agent);
  }
});
