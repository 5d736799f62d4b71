// Starting an agent again after a crash, and reading the crash records
// that start made: shared by the crash-note and liveness tests.
import { equal } from "node:assert/strict";
import { readUntil, runCli, spawnAgent } from "../_helpers.ts";

/**
 * Starts the agent on `dataDir` under `managed`, runs `whileRunning` once
 * it serves, then stops it (it must exit 0).
 */
export async function restartOnce(
  dataDir: string,
  managed: string,
  whileRunning: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const child = spawnAgent(["--data-dir", dataDir, "--port", "0", "--managed-config", managed]);
  try {
    await readUntil(child.stderr, "Dashboard:");
    await whileRunning();
  } finally {
    child.kill("SIGTERM");
    equal((await child.status).code, 0);
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
}

/** The crash records stored in `dataDir`, newest first. */
// deno-lint-ignore no-explicit-any
export async function crashes(dataDir: string, managed: string): Promise<any[]> {
  const result = await runCli([
    "events",
    "--type",
    "crash",
    "--data-dir",
    dataDir,
    "--managed-config",
    managed,
  ]);
  equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}
