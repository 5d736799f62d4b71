/**
 * `vitrine run`: the agent with its dashboard.
 *
 * @module
 */
import { Agent } from "../agent/agent.ts";
import { AgentLog, logDirectory } from "../agent/agent_log.ts";
import { ensureToken } from "../agent/dashboard_token.ts";
import { watchLauncher } from "../agent/launcher_watch.ts";
import { DEFAULT_MANAGED_FILE } from "../agent/data_dir.ts";
import { shortHostname } from "../identity/identity.ts";
import type { Hono } from "hono";
import type { AppDeps } from "../routes/app_deps.ts";
import { dataLocation, parseFlags, parseSeconds } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text of `vitrine run`. */
export const RUN_HELP = `vitrine run: collect diagnostic data and serve the dashboard

Usage: vitrine run [flags]

  --data-dir DIR          where the database lives (default: /var/lib/vitrine as
                          root, else $XDG_STATE_HOME/vitrine or ~/.local/state/vitrine;
                          VITRINE_DATA_DIR also sets it)
  --port N                dashboard port on 127.0.0.1 (default 7878)
  --listen ADDRESS        127.0.0.1 (default), ::1, or 0.0.0.0 / :: for every
                          interface (warns: the dashboard is then reachable
                          from other hosts)
  --interval SECONDS      interval of every collector (overrides the policy)
  --system-interval S     interval of the system collector only
  --file-activity-interval S
                          interval of the file-activity collector only
  --managed-config FILE   the admin's managed policy (default /etc/vitrine/managed.json)
  --log-dir DIR           also write messages to DIR/vitrine.log, capped at 1 MiB (default
                          /var/log/vitrine when it exists and this is root; never under the
                          journal, which already keeps them)
  --exit-with-launcher    also stop (as on SIGTERM) when whatever launched the agent is
                          gone: its parent changes or its process group's leader exits.
                          \`deno task start\` passes it, so that killing npm under
                          \`npx … task start\` stops the agent too.
  -h, --help              this text

Stop with Ctrl-C or SIGTERM: the agent flushes and exits 0.`;

/** Addresses that reach this machine only. */
const LOOPBACK = ["127.0.0.1", "localhost", "::1"];

/** Addresses the agent may listen on. */
const LISTEN_ADDRESSES = ["127.0.0.1", "localhost", "::1", "0.0.0.0", "::"];

/**
 * Host header values that reach this server: loopback names, and when
 * listening on every interface, this machine's name and addresses.
 */
export function hostsFor(listen: string, port: number): string[] {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (listen === "0.0.0.0" || listen === "::") {
    hosts.push(`${shortHostname()}:${port}`);
    for (const nic of Deno.networkInterfaces()) {
      hosts.push(nic.family === "IPv6" ? `[${nic.address}]:${port}` : `${nic.address}:${port}`);
    }
  }
  return [...new Set(hosts)];
}

/**
 * Lets the tests (and anyone checking a deployment) make a running agent
 * die of an uncaught exception or an unhandled rejection a second after
 * start, to see the crash recorded at the next start.
 */
function injectFault(fault: string | undefined): void {
  if (fault === undefined) return;
  const error = new Error(`fault injected by VITRINE_FAULT=${fault}`);
  if (fault === "uncaught_exception") {
    setTimeout(() => {
      throw error;
    }, 1000);
  } else if (fault === "unhandled_rejection") {
    setTimeout(() => void Promise.reject(error), 1000);
  } else {
    console.error(
      `Warning: VITRINE_FAULT "${fault}" is not uncaught_exception or unhandled_rejection; ignored.`,
    );
  }
}

/** Runs the agent until a signal stops it. */
export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("run", args, {
    "data-dir": { type: "string" },
    "managed-config": { type: "string" },
    port: { type: "string" },
    listen: { type: "string" },
    interval: { type: "string" },
    "system-interval": { type: "string" },
    "file-activity-interval": { type: "string" },
    "prefer": { type: "string" },
    "log-dir": { type: "string" },
    "exit-with-launcher": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  const { dataDir, managedFile } = dataLocation(values);
  const log = new AgentLog(
    logDirectory(typeof values["log-dir"] === "string" ? values["log-dir"] : undefined),
  );
  const port = values.port === undefined ? 7878 : Number(values.port);
  if (!/^\d+$/.test(String(values.port ?? "7878")) || port < 0 || port > 65535) {
    throw new UsageError(`--port "${values.port}" is not a port number from 0 to 65535`);
  }
  const listen = typeof values.listen === "string" ? values.listen : "127.0.0.1";
  if (!LISTEN_ADDRESSES.includes(listen)) {
    throw new UsageError(
      `--listen "${listen}" is not one of ${
        LISTEN_ADDRESSES.join(", ")
      }: the dashboard listens on loopback, or on every interface when asked.`,
    );
  }
  const every = parseSeconds("interval", values.interval);
  const prefer = values.prefer === undefined
    ? undefined
    : String(values.prefer).split(",").map((p) => {
      if (p !== "fanotify" && p !== "inotify") {
        throw new UsageError(`--prefer "${p}" is not fanotify or inotify`);
      }
      return p;
    });
  const intervals: Record<string, number> = {};
  for (
    const [name, flag] of [["system", "system-interval"], [
      "file_activity",
      "file-activity-interval",
    ]]
  ) {
    const seconds = parseSeconds(flag!, values[flag!]) ?? every;
    if (seconds !== undefined) intervals[name!] = seconds;
  }
  // Listen for signals before anything starts, so that a stop request
  // during start-up still ends in a flush (it is acted on once started).
  const { promise: stopped, resolve } = Promise.withResolvers<string>();
  const onSignal = (name: string) => () => resolve(name);
  const term = onSignal("SIGTERM");
  const int = onSignal("SIGINT");
  Deno.addSignalListener("SIGTERM", term);
  Deno.addSignalListener("SIGINT", int);
  const agent = await Agent.start({
    dataDir,
    managedFile: managedFile ?? DEFAULT_MANAGED_FILE,
    ...(prefer ? { prefer } : {}),
    intervals,
    log: (message) => log.write(message),
  });
  const token = await ensureToken(dataDir);
  const beyondLoopback = !LOOPBACK.includes(listen);
  const shutdown = new AbortController();
  let server: Deno.HttpServer;
  // Filled in once the server is bound, so that --port 0 works too.
  const allowedHosts: string[] = [];
  try {
    const deps: AppDeps = {
      store: agent.store,
      dataDir,
      policy: () => agent.policy,
      identity: () => agent.identity,
      status: () => agent.status(),
      damage: () => agent.damage,
      token,
      // Beyond loopback anyone on the network could read what is shown:
      // reads need a token too.
      readsNeedToken: beyondLoopback,
      ...(beyondLoopback ? { readToken: await ensureToken(dataDir, "read") } : {}),
      allowedHosts,
      changePreference: (key, value) => agent.changePreference(key, value),
      recordConsent: (granted, actor) => agent.recordConsent(granted, actor),
    };
    // The web app is loaded by the first request: an agent nobody looks at
    // never holds the dashboard's code.
    let app: Promise<Hono> | undefined;
    const serve = async (request: Request) =>
      (await (app ??= import("../routes/app.ts").then(({ createApp }) => createApp(deps))))
        .fetch(request);
    server = Deno.serve({
      hostname: listen,
      port,
      signal: shutdown.signal,
      onListen: ({ port: bound }) => {
        allowedHosts.push(...hostsFor(listen, bound));
        // Where it listens, for `vitrine dashboard` to find.
        agent.announceDashboard({ listen, port: bound }).catch((error) =>
          log.write(`Could not note the dashboard's address: ${(error as Error).message}`)
        );
        if (beyondLoopback) {
          log.write(
            `Warning: the dashboard listens on ${listen}, reachable beyond this machine. Every request, reads included, needs a token: the dashboard URL's (vitrine dashboard) or the read-only one (vitrine dashboard --read-token) as "Authorization: Bearer TOKEN".`,
          );
        }
        log.write(`vitrine ${agent.identity.app_version} collecting into ${dataDir}`);
        log.write(
          `Dashboard: http://127.0.0.1:${bound}/  (run \`vitrine dashboard\` for the URL with its token)`,
        );
      },
    }, serve);
  } catch (error) {
    await agent.stop();
    if (error instanceof Deno.errors.AddrInUse) {
      throw new UsageError(
        `Port ${port} on ${listen} is already in use. Pass --port with a free port.`,
      );
    }
    throw error;
  }
  injectFault(Deno.env.get("VITRINE_FAULT"));
  const unwatch = values["exit-with-launcher"]
    ? watchLauncher((why) => resolve(`no launcher (${why})`))
    : () => {};
  const signal = await stopped;
  unwatch();
  log.write(`Stopping on ${signal}: flushing first.`);
  shutdown.abort();
  await server.finished.catch(() => {});
  await agent.stop();
  Deno.removeSignalListener("SIGTERM", term);
  Deno.removeSignalListener("SIGINT", int);
  return 0;
}
