/**
 * The runtime flags of the deno.json tasks, so that the package, the
 * benchmarks and the tests run the program as the tasks do.
 *
 * @module
 */

/**
 * The flags between `run` and `main.ts` of a task (permissions, memory
 * settings), without its environment or its arguments after main.ts.
 */
export function taskRunFlags(task: string): string[] {
  const words = task.split(" ");
  return words.slice(words.indexOf("run") + 1, words.indexOf("main.ts"));
}

/** The runtime flags of a task without its permissions. */
export function runtimeFlags(task: string): string[] {
  return taskRunFlags(task).filter((a) => !a.startsWith("--allow-"));
}

/** The V8 flags of a task, as `DENO_V8_FLAGS` takes them (a compiled binary has no --v8-flags). */
export function v8Flags(task: string): string {
  const flag = runtimeFlags(task).find((a) => a.startsWith("--v8-flags="));
  return flag ? flag.slice("--v8-flags=".length) : "";
}
