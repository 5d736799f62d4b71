/**
 * A kernel source over inotify: recursive watches on directories.
 *
 * @module
 */
import { IN, Inotify } from "../../ffi/inotify.ts";
import type { KernelRecord, KernelSource } from "./kernel_source.ts";

/** Most directories watched; beyond it activity is not counted (and a problem says so). */
export const MAX_WATCHES = 8192;

/**
 * Where inotify watches for `paths`: "/" alone would need a watch on every
 * directory of the system, so it stands for /etc, /tmp and the home directory.
 */
export function inotifyRoots(paths: readonly string[]): string[] {
  if (paths.length === 1 && paths[0] === "/") {
    const home = Deno.env.get("HOME");
    return ["/etc", "/tmp", ...(home && home !== "/" ? [home] : [])];
  }
  return [...paths];
}

/**
 * Watches every directory below `paths` (but those `skip` refuses) for the
 * bits in `mask`, adding watches as directories appear. Problems worth
 * reporting are pushed to `problems`.
 */
export function openInotifySource(
  paths: readonly string[],
  mask: number,
  skip: (directory: string) => boolean,
  problems: string[],
): KernelSource {
  const instance = Inotify.open();
  const watches = new Map<number, string>();
  let limitReported = false;
  const watchTree = (root: string) => {
    const stack = [root];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      if (skip(dir)) continue;
      if (watches.size >= MAX_WATCHES) {
        if (!limitReported) {
          problems.push(
            `inotify stopped adding watches at ${MAX_WATCHES} directories; activity below further directories is not counted`,
          );
        }
        limitReported = true;
        return;
      }
      try {
        watches.set(instance.addWatch(dir, mask), dir);
        for (const entry of Deno.readDirSync(dir)) {
          if (entry.isDirectory && !entry.isSymlink) {
            stack.push(`${dir === "/" ? "" : dir}/${entry.name}`);
          }
        }
      } catch {
        // Unreadable or vanished directory: not counted.
      }
    }
  };
  const roots = inotifyRoots(paths);
  for (const root of roots) watchTree(root);
  if (watches.size === 0) {
    instance.close();
    throw new Error(`inotify could not watch any of ${JSON.stringify(roots)}`);
  }
  return {
    kind: "inotify",
    read() {
      const batch = instance.read(0);
      const records: KernelRecord[] = [];
      for (const event of batch.events) {
        if (event.mask & IN.Q_OVERFLOW) {
          records.push({ overflow: true });
          continue;
        }
        if (event.mask & IN.IGNORED) {
          watches.delete(event.watch);
          continue;
        }
        const dir = watches.get(event.watch);
        if (dir === undefined) continue;
        const path = event.name ? `${dir === "/" ? "" : dir}/${event.name}` : dir;
        const isDirectory = (event.mask & IN.ISDIR) !== 0;
        if (isDirectory && (event.mask & (IN.CREATE | IN.MOVED_TO))) watchTree(path);
        records.push({
          overflow: false,
          mask: event.mask,
          isDirectory,
          path,
          name: event.name || (dir.split("/").pop() ?? ""),
        });
      }
      return { records, malformed: batch.malformed };
    },
    close: () => instance.close(),
  };
}
