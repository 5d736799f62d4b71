// Defect 11: the database, its WAL, support bundles, markers and tokens are
// 0600 whatever the data directory's mode.
import { buildHealth } from "../../agent/health.ts";
import { equal } from "node:assert/strict";
import { dataPaths } from "../../store/data_paths.ts";
import { ensureToken } from "../../agent/dashboard_token.ts";
import { collectSupportBundle } from "../../support/collect_support_bundle.ts";
import { startTestAgent, tempDir } from "../_helpers.ts";

async function mode(path: string): Promise<string> {
  return ((await Deno.stat(path)).mode! & 0o777).toString(8);
}

Deno.test("files in a 0755 data directory are created 0600, and loosened ones are tightened", async () => {
  await using dir = await tempDir();
  const dataDir = `${dir.path}/data`;
  await Deno.mkdir(dataDir, { mode: 0o755 });
  await Deno.chmod(dataDir, 0o755);
  const paths = dataPaths(dataDir);
  {
    await using agent = await startTestAgent({ dataDir });
    await agent.collectNow("system");
    equal((await agent.recordConsent(true, "Ada")).ok, true);
    const bundle = await collectSupportBundle(agent.store, dataDir, agent.policy, agent.identity, {
      health: () => buildHealth(agent.store, dataDir, agent.policy),
    });
    await ensureToken(dataDir);
    await ensureToken(dataDir, "read");
    for (
      const path of [
        paths.database,
        `${paths.database}-wal`,
        `${paths.database}-shm`,
        paths.running,
        paths.lock,
        paths.token,
        paths.readToken,
        bundle.path,
      ]
    ) {
      equal(await mode(path), "600", path);
    }
  }
  await Deno.chmod(paths.database, 0o644);
  await using _again = await startTestAgent({ dataDir });
  equal(await mode(paths.database), "600", "a loosened database is tightened at the next start");
});
