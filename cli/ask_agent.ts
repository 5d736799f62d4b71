/**
 * A command asking the agent that runs on its data directory to do
 * something through the agent's own API, so that the agent does it in
 * turn with its other work (sending, sample submission) instead of a
 * second writer racing it. Only loopback is asked, with the dashboard token
 * the data directory holds (root's, 0600).
 *
 * @module
 */
import { ensureToken } from "../agent/dashboard_token.ts";
import type { RunningMarker } from "../agent/running_marker.ts";

/** The agent's answer: its status and JSON body. */
export interface AgentAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `body` to `path` of the agent `running` (on `dataDir`); throws when it cannot be reached. */
export async function askAgent(
  dataDir: string,
  running: RunningMarker,
  path: string,
  body: unknown,
): Promise<AgentAnswer> {
  const address = running.dashboard;
  if (!address) {
    throw new Error(
      `the agent running on "${dataDir}" (pid ${running.pid}) does not serve its dashboard yet; try again in a moment`,
    );
  }
  // Whatever it listens on, it answers on this machine's loopback too.
  const host = address.listen.includes(":") ? "[::1]" : "127.0.0.1";
  const response = await fetch(`http://${host}:${address.port}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await ensureToken(dataDir)}`,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10 * 60 * 1000),
  });
  const answer = await response.json().catch(() => ({})) as Record<string, unknown>;
  return { status: response.status, body: answer };
}
