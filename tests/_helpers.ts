// Helpers shared by the tests.
import { Agent, type AgentOptions } from "../agent/agent.ts";
import type { RawEvent } from "../catalog/raw_event.ts";
import denoConfig from "../deno.json" with { type: "json" };

/** The repository root. */
export const ROOT = new URL("../", import.meta.url).pathname;

/** Permission flags the CLI runs with in tests: those of `deno task vitrine`. */
export const CLI_PERMISSIONS: string[] = denoConfig.tasks.vitrine.split(" ").filter((arg) =>
  arg.startsWith("--allow-")
);

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

/** Whether `command` is on PATH (the peers some tests need: promtool, openssl, gcc …). */
export function has(command: string): boolean {
  return new Deno.Command("sh", {
    args: ["-c", `command -v ${command}`],
    stdout: "null",
    stderr: "null",
  }).outputSync().success;
}

/** Result of a CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vitrine ARGS` as a subprocess and waits for it. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, `${ROOT}main.ts`, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** Starts `vitrine run` as a subprocess (with `env` added to its environment). */
export function spawnAgent(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, `${ROOT}main.ts`, "run", ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs a command and returns its standard output. */
export async function sh(command: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(
  prefix = "vitrine-test-",
): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
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

/** Waits until `check` returns true, polling every 50 ms, or throws. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Reads stream text until it contains `needle`. */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  needle: string,
  timeoutMs = 20_000,
): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (!text.includes(needle)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out waiting for "${needle}" in: ${text}`);
      const next = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`Timed out waiting for "${needle}" in: ${text}`)),
            remaining,
          )
        ),
      ]);
      if (next.done) throw new Error(`Stream ended before "${needle}": ${text}`);
      text += decoder.decode(next.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

/** Whether `mount -t tmpfs` works here (root with CAP_SYS_ADMIN). */
export const CAN_MOUNT = IS_ROOT && (() => {
  try {
    return new Deno.Command("mount", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
})();

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
