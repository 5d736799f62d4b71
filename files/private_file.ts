/**
 * The one way vitrine writes a file of its own: readable by its owner only
 * (mode 0600 whatever the umask), written whole to a new file beside it and
 * renamed into place. The rename replaces whatever the name held (a FIFO
 * or a link planted there is replaced, never opened or followed), and a
 * reader sees the old file or the new one, never half of one.
 *
 * @module
 */

/** Owner read and write only. */
export const PRIVATE_MODE = 0o600;

function partialOf(path: string): string {
  return `${path}.${Deno.pid}.partial`;
}

/** Writes `content` to `path` privately and atomically. */
export async function writePrivateFile(
  path: string,
  content: string | Uint8Array<ArrayBuffer>,
): Promise<void> {
  const partial = partialOf(path);
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  try {
    await Deno.writeFile(partial, bytes, { mode: PRIVATE_MODE, createNew: true });
    // The mode given at creation is cut by the umask.
    await Deno.chmod(partial, PRIVATE_MODE);
    await Deno.rename(partial, path);
  } catch (error) {
    await Deno.remove(partial).catch(() => {});
    throw error;
  }
}

/**
 * Writes `content` to `path` privately and atomically, and flushes it to
 * disk before returning: for a process about to end.
 */
export function writePrivateFileSync(path: string, content: string): void {
  const partial = partialOf(path);
  try {
    const file = Deno.openSync(partial, { write: true, createNew: true, mode: PRIVATE_MODE });
    try {
      file.writeSync(new TextEncoder().encode(content));
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.chmodSync(partial, PRIVATE_MODE);
    Deno.renameSync(partial, path);
  } catch (error) {
    try {
      Deno.removeSync(partial);
    } catch {
      // Nothing was left.
    }
    throw error;
  }
}

/** Opens a new file at `path` for writing, privately (the export's output). */
export async function createPrivateFile(path: string): Promise<Deno.FsFile> {
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
    mode: PRIVATE_MODE,
  });
  await Deno.chmod(path, PRIVATE_MODE);
  return file;
}

/** Tightens the mode of existing files to owner-only; absent ones and others' files are left. */
export async function keepPrivate(paths: readonly string[]): Promise<void> {
  for (const name of paths) {
    try {
      await Deno.chmod(name, PRIVATE_MODE);
    } catch (error) {
      // Absent, or owned by another user (a read-side command run by root on a user's directory).
      if (
        !(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied)
      ) {
        throw error;
      }
    }
  }
}
