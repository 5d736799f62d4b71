/**
 * `vitrine stop`: stops the agent running on a data directory, as SIGTERM
 * does (it flushes first), and waits for it. For agents started without a
 * service manager; the package's scripts use it where systemd does not run.
 *
 * @module
 */
import { runningAgent } from "../agent/running_marker.ts";
import { processAlive, signalProcess } from "../ffi/process.ts";
import { commandFlags, dataLocation, parseSeconds } from "./parse_flags.ts";

/** Help text. */
export const STOP_HELP = `vitrine stop: stop the agent running on a data directory

Usage: vitrine stop [--data-dir DIR] [--timeout SECONDS]

Sends the agent SIGTERM (it sends what it can for up to 3 s, then stops
cleanly) and waits for it to end, up to --timeout (default 15). Exits 0
when it stopped or none was running, 1 when it did not stop in time.`;

/** Stops the agent. */
export async function stopCommand(args: string[]): Promise<number> {
  const flags = commandFlags("stop", args, STOP_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  const timeout = parseSeconds("timeout", values.timeout, 1, 600) ?? 15;
  const { dataDir } = dataLocation(values);
  const agent = await runningAgent(dataDir);
  if (!agent) {
    console.log(`No agent is running on "${dataDir}".`);
    return 0;
  }
  if (!signalProcess(agent.pid, "SIGTERM")) {
    console.log(`The agent on "${dataDir}" (pid ${agent.pid}) had already stopped.`);
    return 0;
  }
  const deadline = Date.now() + timeout * 1000;
  while (processAlive(agent.pid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (processAlive(agent.pid)) {
    console.error(
      `vitrine stop: the agent on "${dataDir}" (pid ${agent.pid}) did not stop within ${timeout} s.`,
    );
    return 1;
  }
  console.log(`Stopped the agent on "${dataDir}" (pid ${agent.pid}).`);
  return 0;
}
