/**
 * A temporary directory that removes itself (`await using`).
 *
 * @module
 */

/** A fresh temporary directory, removed when disposed. */
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
