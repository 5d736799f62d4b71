// Helpers shared by the tests.
import { Agent, type AgentOptions } from "../agent/agent.ts";
import type { RawEvent } from "../catalog/raw_event.ts";
import denoConfig from "../deno.json" with { type: "json" };
import { taskArguments, taskEnvironment, taskRunFlags } from "../packaging/task_flags.ts";
import { ROOT, sh } from "../testing/run_cli.ts";
import { waitFor } from "../testing/wait_for.ts";

export { CLI_PERMISSIONS, type CliResult, ROOT, runCli, sh } from "../testing/run_cli.ts";
export { tempDir } from "../testing/temp_dir.ts";
export { readUntil, waitFor } from "../testing/wait_for.ts";

/** An install event with words of its own (`text`), at `time` when given: the tests' plain event. */
export function installEvent(text: string, time?: number): RawEvent {
  return {
    type: "install",
    ...(time === undefined ? {} : { time }),
    fields: {
      correlation_id: crypto.randomUUID(),
      version: "0.1.0",
      severity: "Informational",
      code: "install",
      text,
    },
  };
}

/** Whether the tests run as root. */
export const IS_ROOT = Deno.uid() === 0;

/**
 * Starts the agent as `deno task start` starts it (the start task's
 * environment, permissions, V8 flags and `run --exit-with-launcher`, this
 * test being its launcher), with `args` after them and `env` added.
 */
export function spawnAgent(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  const started = shippedAgentCommand(args);
  return new Deno.Command(started.command[0]!, {
    args: started.command.slice(1),
    env: { NO_COLOR: "1", ...started.env, ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Ends a spawned agent with `signal` (one that already exited is fine, so a
 * test's own failure is the one reported), waits for it and drops its output.
 */
export async function endChild(
  child: Deno.ChildProcess,
  signal: Deno.Signal = "SIGTERM",
): Promise<Deno.CommandStatus> {
  try {
    child.kill(signal);
  } catch { /* already exited */ }
  const status = await child.status;
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});
  return status;
}

/** The command line and environment of the agent as `deno task start ARGS` runs it. */
export function shippedAgentCommand(
  args: string[],
): { command: string[]; env: Record<string, string> } {
  const start = denoConfig.tasks.start;
  return {
    command: [
      Deno.execPath(),
      "run",
      ...taskRunFlags(start),
      `${ROOT}main.ts`,
      ...taskArguments(start),
      ...args,
    ],
    env: taskEnvironment(start),
  };
}

/** Writes `settings` as the managed file `managed.json` in `dir`; returns its path. */
export async function writeManaged(
  dir: string,
  settings: Record<string, unknown>,
): Promise<string> {
  const path = `${dir}/managed.json`;
  await Deno.writeTextFile(path, JSON.stringify(settings));
  return path;
}

/**
 * Starts an in-process agent in a temporary data directory, and waits for
 * the collection it makes at start, so that tests count from a settled store.
 */
export async function startTestAgent(
  options: Partial<AgentOptions> & { dataDir: string },
): Promise<Agent> {
  const agent = await Agent.start({
    managedFile: `${options.dataDir}/managed.json`,
    intervals: { system: 3600, file_activity: 3600 },
    policyPollMs: 3_600_000,
    watchPolicy: false,
    // Tests see what is sent at once rather than after batching.
    sendDelayMs: 0,
    ...options,
  });
  await waitFor(
    "the first system collection",
    () => agent.status().collectors.some((task) => task.name === "system" && task.runs > 0),
  );
  return agent;
}

/** Mounts a tmpfs of `megabytes` at `path` (created), unmounted when disposed. */
export async function mountTmpfs(
  path: string,
  megabytes: number,
): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  await Deno.mkdir(path, { recursive: true });
  await sh("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", path]);
  return {
    path,
    async [Symbol.asyncDispose]() {
      await sh("umount", ["-l", path]).catch(() => {});
    },
  };
}

/** Fills the filesystem holding `dir` with a file `filler`; returns its path. */
export async function fillDisk(dir: string): Promise<string> {
  const path = `${dir}/filler`;
  const file = await Deno.open(path, { create: true, write: true, truncate: true });
  const chunk = new Uint8Array(16 * 1024).fill(1);
  try {
    for (let i = 0; i < 1_000_000; i++) await file.write(chunk);
  } catch {
    // The disk is full.
  } finally {
    file.close();
  }
  // The last partial block: byte by byte until nothing more fits.
  const tail = await Deno.open(path, { append: true });
  try {
    for (let i = 0; i < 16 * 1024; i++) await tail.write(new Uint8Array(1));
  } catch {
    // Full to the byte.
  } finally {
    tail.close();
  }
  return path;
}

/**
 * Waits until the agent's scheduled task `task` has completed `runs` more
 * runs than now: the witness that the agent had its chances to act, so that
 * "nothing happened" is proven rather than hoped for after a sleep.
 */
export async function afterRuns(agent: Agent, task: string, runs = 2): Promise<void> {
  const status = () => agent.status().collectors.find((t) => t.name === task);
  const count = () => status()?.runs ?? 0;
  const from = count();
  // A task the agent runs rarely now (the uplink while sending is off) is
  // run here as its schedule would, one run after the other.
  if ((status()?.intervalMs ?? 0) > 5000) {
    for (let i = 0; i < runs; i++) await agent.collectNow(task);
  }
  await waitFor(
    `${runs} more runs of the agent's "${task}" task`,
    () => count() >= from + runs,
    30_000,
  );
}
