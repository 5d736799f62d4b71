/**
 * `vitrine health`: the health report as JSON.
 *
 * @module
 */
import { buildHealth } from "../agent/health.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags } from "./parse_flags.ts";

/** Help text. */
export const HEALTH_HELP = `vitrine health: print the agent's health as JSON

Usage: vitrine health [--data-dir DIR] [--managed-config FILE]

Shows the version, data directory, database size, records per tier, the
policy with every managed setting marked, the collectors and their last
run (as the running agent last published them), and every problem.`;

/** Prints health. */
export async function healthCommand(args: string[]): Promise<number> {
  const flags = commandFlags("health", args, HEALTH_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  const data = await openDataFromFlags(values);
  try {
    const health = await buildHealth(data.store, data.dataDir, data.policy, undefined, data.notes);
    console.log(JSON.stringify(health, null, 2));
  } finally {
    await data.store.close();
  }
  return 0;
}
