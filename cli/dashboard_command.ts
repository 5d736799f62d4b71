/**
 * `vitrine dashboard`: the dashboard URL carrying the token.
 *
 * @module
 */
import { parseListenAddress } from "../input/listen_address.ts";
import { ensureToken } from "../agent/dashboard_token.ts";
import { type DashboardAddress, runningAgent } from "../agent/running_marker.ts";
import { DEFAULT_PORT } from "../input/whole_number.ts";
import { commandFlags, dataLocation, parsePortFlag } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const DASHBOARD_HELP = `vitrine dashboard: print the dashboard URL with its access token

Usage: vitrine dashboard [--port N] [--data-dir DIR] [--read-token]

Open the URL in a browser on this machine. The token lets that browser
change settings; keep it private. The URL names the address and port the
agent running on the data directory listens on; --port is used only when
no agent runs there (default 7878).

  --read-token   print only the read-only token instead: when the agent
                 listens beyond loopback (--listen 0.0.0.0), scrapers send it
                 as \`Authorization: Bearer TOKEN\` to read /api and /metrics`;

/** Prints the URL. */
export async function dashboardCommand(args: string[]): Promise<number> {
  const flags = commandFlags("dashboard", args, DASHBOARD_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  const asked = values.port === undefined ? null : parsePortFlag(values.port);
  const { dataDir } = dataLocation(values);
  try {
    await Deno.stat(dataDir);
  } catch {
    throw new UsageError(
      `No data directory "${dataDir}": start the agent first (deno task start).`,
    );
  }
  if (values["read-token"]) {
    console.log(await ensureToken(dataDir, "read"));
    return 0;
  }
  const running = await runningAgent(dataDir);
  const address: DashboardAddress = running?.dashboard ??
    { listen: "127.0.0.1", port: asked ?? DEFAULT_PORT };
  if (!running?.dashboard) {
    console.error(
      `Note: no agent serves a dashboard for "${dataDir}" now; this URL works once one runs on port ${address.port}.`,
    );
  } else if (asked !== null && asked !== address.port) {
    console.error(
      `Note: the agent running on "${dataDir}" (pid ${running.pid}) listens on port ${address.port}, not ${asked}; the URL names its port.`,
    );
  }
  console.log(`${dashboardOrigin(address)}/?token=${await ensureToken(dataDir)}`);
  return 0;
}

/** The origin a browser on this machine reaches the dashboard at. */
export function dashboardOrigin(address: DashboardAddress): string {
  const host = parseListenAddress(address.listen)?.urlHost ?? "127.0.0.1";
  return `http://${host}:${address.port}`;
}
