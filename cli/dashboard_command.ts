/**
 * `vitrine dashboard`: the dashboard URL carrying the token.
 *
 * @module
 */
import { ensureToken } from "../agent/dashboard_token.ts";
import { dataLocation, parseFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const DASHBOARD_HELP = `vitrine dashboard: print the dashboard URL with its access token

Usage: vitrine dashboard [--port N] [--data-dir DIR] [--read-token]

Open the URL in a browser on this machine. The token lets that browser
change settings; keep it private.

  --read-token   print only the read-only token instead: when the agent
                 listens beyond loopback (--listen 0.0.0.0), scrapers send it
                 as \`Authorization: Bearer TOKEN\` to read /api and /metrics`;

/** Prints the URL. */
export async function dashboardCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("dashboard", args, {
    "data-dir": { type: "string" },
    port: { type: "string" },
    "read-token": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(DASHBOARD_HELP);
    return 0;
  }
  const port = String(values.port ?? "7878");
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new UsageError(`--port "${port}" is not a port number`);
  }
  const { dataDir } = dataLocation(values);
  try {
    await Deno.stat(dataDir);
  } catch {
    throw new UsageError(
      `No data directory "${dataDir}": start the agent first (deno task start).`,
    );
  }
  if (values["read-token"]) console.log(await ensureToken(dataDir, "read"));
  else console.log(`http://127.0.0.1:${port}/?token=${await ensureToken(dataDir)}`);
  return 0;
}
