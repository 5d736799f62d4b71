/**
 * vitrine as it ships, for the tests, the soak and the benchmarks: the
 * agent started by `deno task start` itself (its permissions, V8 flags,
 * environment and `--exit-with-launcher`), found by its running marker,
 * asked through `deno task vitrine`, stopped with SIGTERM or killed with -9.
 * Never in-process, never with `--allow-all`.
 *
 * @module
 */
import { runningAgent } from "../agent/running_marker.ts";
import { ROOT } from "./run_cli.ts";

/** A running `deno task start`, and the agent it runs. */
export interface AgentProcess {
  task: Deno.ChildProcess;
  /** The agent's own pid (from its running marker). */
  pid: number;
  port: number;
  dataDir: string;
  /** The dashboard's address, "http://127.0.0.1:PORT". */
  url: string;
  /** What it printed so far. */
  output: () => string;
}

/** How to start it. */
export interface StartOptions {
  /** The pid of an earlier agent on the same directory (a kill -9 left its marker). */
  previous?: number;
  /** Added to the environment (`VITRINE_FAULT`, say). */
  env?: Record<string, string>;
}

/**
 * Starts `deno task start --data-dir DIR --port 0 FLAGS` and waits until its
 * agent serves (a marker of a live process that is not `options.previous`).
 */
export async function startAgent(
  dataDir: string,
  flags: string[],
  options: StartOptions | number = {},
): Promise<AgentProcess> {
  const { previous, env = {} } = typeof options === "number" ? { previous: options } : options;
  // In a session of its own, `deno task` leads the agent's process group:
  // the agent follows its launcher (--exit-with-launcher), whatever runs it.
  const task = new Deno.Command("setsid", {
    args: [
      Deno.execPath(),
      "task",
      "--quiet",
      "start",
      "--data-dir",
      dataDir,
      "--port",
      "0",
      ...flags,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let said = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      said = (said + decoder.decode(chunk, { stream: true })).slice(-200_000);
    }
  };
  drain(task.stdout).catch(() => {});
  drain(task.stderr).catch(() => {});
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const found = await runningAgent(dataDir);
    if (found?.dashboard && found.pid !== previous) {
      const port = found.dashboard.port;
      return {
        task,
        pid: found.pid,
        port,
        dataDir,
        url: `http://127.0.0.1:${port}`,
        output: () => said,
      };
    }
    const ended = await Promise.race([
      task.status,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)),
    ]);
    if (ended !== null) {
      throw new Error(`the agent ended (${ended.code}) before it served:\n${said}`);
    }
  }
  task.kill("SIGKILL");
  throw new Error(`the agent did not start within 60 s:\n${said}`);
}

/** kill -9: the agent dies at once, mid-whatever. */
export async function killHard(agent: AgentProcess): Promise<void> {
  Deno.kill(agent.pid, "SIGKILL");
  await agent.task.status.catch(() => {});
}

/** SIGTERM, and the agent's exit code (0 when it flushed and stopped cleanly). */
export async function stopAgent(agent: AgentProcess): Promise<number> {
  try {
    Deno.kill(agent.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
  const { code } = await agent.task.status;
  return code;
}

/** The agent's resident memory now (VmRSS), in bytes. */
export function rssOf(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

/** What `deno task vitrine ARGS` printed, and how it ended: the commands as shipped. */
export async function vitrine(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "vitrine", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** The running agent's health, as `vitrine health` reports it (`flags`: --managed-config …). */
export async function healthOf(
  agent: AgentProcess,
  flags: string[] = [],
): Promise<Record<string, unknown>> {
  const result = await vitrine(["health", "--data-dir", agent.dataDir, ...flags]);
  if (result.code !== 0) throw new Error(`vitrine health failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
