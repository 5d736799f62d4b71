/**
 * `vitrine run`: the agent with its dashboard.
 *
 * @module
 */
import { Agent } from "../agent/agent.ts";
import { AgentLog } from "../agent/agent_log.ts";
import { logDirectory } from "../store/data_paths.ts";
import { watchLauncher } from "../agent/launcher_watch.ts";
import { DEFAULT_MANAGED_FILE } from "../store/data_paths.ts";
import { InputError } from "../input/input_error.ts";
import { type Dashboard, serveDashboard } from "../routes/serve_dashboard.ts";
import { listenAddressProblem } from "../input/listen_address.ts";
import { commandFlags, dataLocation, parsePortFlag, parseSeconds } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";
import { SENSOR_KINDS } from "../collectors/file_activity/kernel_source.ts";

/** Help text of `vitrine run`. */
export const RUN_HELP = `vitrine run: collect diagnostic data and serve the dashboard

Usage: vitrine run [flags]

  --data-dir DIR          where the database lives (default: /var/lib/vitrine as
                          root, else $XDG_STATE_HOME/vitrine or ~/.local/state/vitrine;
                          VITRINE_DATA_DIR also sets it)
  --port N                dashboard port on 127.0.0.1 (default 7878)
  --listen ADDRESS        127.0.0.1 (default; the policy's dashboard.listen
                          otherwise), another loopback address, ::1, an
                          interface's address, or 0.0.0.0 / :: for every
                          interface (beyond loopback it warns: the dashboard
                          is then reachable from other hosts)
  --interval SECONDS      interval of every collector (overrides the policy)
  --system-interval S     interval of the system collector only
  --file-activity-interval S
                          interval of the file-activity collector only
  --prefer LIST           the file-activity sensors to try, in order, overriding the
                          fileActivity.sensor setting (default ebpf,fanotify,inotify;
                          ebpf and fanotify need root)
  --managed-config FILE   the admin's managed policy (default /etc/vitrine/managed.json)
  --log-dir DIR           also write messages to DIR/vitrine.log, capped at 1 MiB (default
                          /var/log/vitrine when it exists and this is root; never under the
                          journal, which already keeps them)
  --exit-with-launcher    also stop (as on SIGTERM) when whatever launched the agent is
                          gone: its parent changes or its process group's leader exits.
                          \`deno task start\` passes it, so that killing npm under
                          \`npx … task start\` stops the agent too.
  -h, --help              this text

Stop with Ctrl-C or SIGTERM: the agent flushes and exits 0.

To try the crash and liveness paths, set VITRINE_FAULT: uncaught_exception or
unhandled_rejection (the agent dies a second after start; the next start
records the crash) or hang (its progress stops; the liveness watchdog
notices). VITRINE_LIVENESS_STALL_MS (at least 1000) shortens the wait of the
liveness watchdog.`;

/**
 * Lets the tests (and anyone checking a deployment) make a running agent
 * die of an uncaught exception or an unhandled rejection a second after
 * start, to see the crash recorded at the next start. (`hang` is the
 * agent's own: its writes stop, for the liveness watchdog to catch.)
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
      `Warning: VITRINE_FAULT "${fault}" is not uncaught_exception, unhandled_rejection or hang; ignored.`,
    );
  }
}

/**
 * How long without progress is a hang: `VITRINE_LIVENESS_STALL_MS` (for the
 * tests, which cannot wait the default 45 s), else the default.
 */
function livenessStall(): { livenessStallMs?: number } {
  const text = Deno.env.get("VITRINE_LIVENESS_STALL_MS");
  const ms = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(ms) && ms >= 1000 ? { livenessStallMs: ms } : {};
}

/** Runs the agent until a signal stops it. */
export async function runCommand(args: string[]): Promise<number> {
  const flags = commandFlags("run", args, RUN_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  const { dataDir, managedFile } = dataLocation(values);
  const log = new AgentLog(logDirectory(values["log-dir"]));
  const port = parsePortFlag(values.port, true);
  const asked = values.listen;
  const wrong = asked === undefined ? null : listenAddressProblem(asked);
  if (wrong !== null) throw new UsageError(`--listen: ${wrong}`);
  const every = parseSeconds("interval", values.interval);
  const prefer = values.prefer === undefined ? undefined : values.prefer.split(",").map((p) => {
    const kind = SENSOR_KINDS.find((k) => k === p);
    if (kind === undefined) {
      throw new UsageError(`--prefer "${p}" is not one of ${SENSOR_KINDS.join(", ")}`);
    }
    return kind;
  });
  const intervals: Record<string, number> = {};
  const system = parseSeconds("system-interval", values["system-interval"]) ?? every;
  const fileActivity = parseSeconds("file-activity-interval", values["file-activity-interval"]) ??
    every;
  if (system !== undefined) intervals.system = system;
  if (fileActivity !== undefined) intervals.file_activity = fileActivity;
  // Listen for signals before anything starts, so that a stop request
  // during start-up still ends in a flush (it is acted on once started).
  const { promise: stopped, resolve } = Promise.withResolvers<string>();
  const onSignal = (name: string) => () => resolve(name);
  const term = onSignal("SIGTERM");
  const int = onSignal("SIGINT");
  Deno.addSignalListener("SIGTERM", term);
  Deno.addSignalListener("SIGINT", int);
  // SIGHUP (vitrine config set) asks for the policy to be read again; heard
  // from the start, so that one arriving early is not the default's exit.
  let started: Agent | null = null;
  const hangup = () => started?.policyMayHaveChanged();
  Deno.addSignalListener("SIGHUP", hangup);
  const fault = Deno.env.get("VITRINE_FAULT");
  const agent = await Agent.start({
    dataDir,
    managedFile: managedFile ?? DEFAULT_MANAGED_FILE,
    ...(prefer ? { prefer } : {}),
    ...(fault === "hang" ? { fault } : {}),
    ...livenessStall(),
    intervals,
    log: (message) => log.write(message),
  });
  started = agent;
  let dashboard: Dashboard;
  try {
    dashboard = await serveDashboard(agent, {
      // The flag wins; else the policy's dashboard.listen (read at start).
      listen: asked ?? agent.policy.get("dashboard.listen"),
      port,
      dataDir,
      log: (message) => log.write(message),
    });
  } catch (error) {
    await agent.stop();
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  }
  agent.ready();
  if (fault !== "hang") injectFault(fault);
  const unwatch = values["exit-with-launcher"]
    ? watchLauncher((why) => resolve(`no launcher (${why})`))
    : () => {};
  const signal = await stopped;
  unwatch();
  log.write(`Stopping on ${signal}: flushing first.`);
  await dashboard.close();
  await agent.stop();
  Deno.removeSignalListener("SIGTERM", term);
  Deno.removeSignalListener("SIGINT", int);
  Deno.removeSignalListener("SIGHUP", hangup);
  return 0;
}
