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

/** The environment a task sets before `deno` (`MALLOC_ARENA_MAX=2` of the start task). */
export function taskEnvironment(task: string): Record<string, string> {
  const words = task.split(" ");
  return Object.fromEntries(
    words.slice(0, words.indexOf("deno")).map((word) => {
      const at = word.indexOf("=");
      return [word.slice(0, at), word.slice(at + 1)];
    }),
  );
}

/** The arguments a task gives after main.ts (`run --exit-with-launcher` of the start task). */
export function taskArguments(task: string): string[] {
  const words = task.split(" ");
  return words.slice(words.indexOf("main.ts") + 1);
}
