/**
 * vitrine's commands as a subprocess, with the permissions of the
 * `vitrine` task, and other programs the tests run.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import { taskRunFlags } from "../packaging/task_flags.ts";

/** The repository root. */
export const ROOT: string = new URL("../", import.meta.url).pathname;

/** Permission flags the CLI runs with: those of `deno task vitrine`. */
export const CLI_PERMISSIONS: string[] = denoConfig.tasks.vitrine.split(" ").filter((arg) =>
  arg.startsWith("--allow-")
);

/** Every runtime flag of `deno task vitrine`: its permissions and V8 flags, as the commands ship. */
const CLI_FLAGS: string[] = taskRunFlags(denoConfig.tasks.vitrine);

/** Result of a CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vitrine ARGS` as `deno task vitrine` runs it, and waits for it. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, `${ROOT}main.ts`, ...args],
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

/** Runs a command and returns its standard output; throws with its error output when it fails. */
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
