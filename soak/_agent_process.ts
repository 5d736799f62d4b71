// The agent under soak: started as the README starts it (`deno task start`
// with flags), found by its running marker, killed with -9 or stopped.
import { runningAgent } from "../agent/running_marker.ts";
import { ROOT } from "../tests/_helpers.ts";

/** A running `deno task start`, and the agent it runs. */
export interface AgentProcess {
  task: Deno.ChildProcess;
  /** The agent's own pid (from its running marker). */
  pid: number;
  port: number;
  /** What it printed so far. */
  output: () => string;
}

/**
 * Starts `deno task start -- FLAGS` and waits until its agent serves (a
 * marker of a live process that is not `previous`, which a kill -9 left).
 */
export async function startAgent(
  dataDir: string,
  flags: string[],
  previous?: number,
): Promise<AgentProcess> {
  // In a session of its own, `deno task` leads the agent's process group:
  // the agent follows its launcher (--exit-with-launcher), whatever runs the soak.
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
    env: { NO_COLOR: "1" },
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
      return { task, pid: found.pid, port: found.dashboard.port, output: () => said };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
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
  Deno.kill(agent.pid, "SIGTERM");
  const { code } = await agent.task.status;
  return code;
}

/** The agent's resident memory now (VmRSS), in bytes. */
export function rssOf(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}
