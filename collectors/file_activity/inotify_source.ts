/**
 * A kernel source over inotify: recursive watches on directories.
 *
 * @module
 */
import { IN, Inotify } from "../../ffi/inotify.ts";
import type { KernelSink, KernelSource } from "./kernel_source.ts";

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

function child(dir: string, name: string): string {
  return `${dir === "/" ? "" : dir}/${name}`;
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
          if (entry.isDirectory && !entry.isSymlink) stack.push(child(dir, entry.name));
        }
      } catch {
        // Unreadable or vanished directory: not counted.
      }
    }
  };
  const roots = inotifyRoots(paths);
  for (const root of roots) watchTree(root);
  if (watches.size === 0) {
    instance.closeNow();
    throw new Error(`inotify could not watch any of ${JSON.stringify(roots)}`);
  }
  // Between the kernel and the loop's sink: watches follow the tree.
  let downstream: KernelSink | null = null;
  const sink: KernelSink = {
    event(mask, watch) {
      if (mask & IN.IGNORED) {
        watches.delete(watch as number);
        return;
      }
      const isDirectory = (mask & IN.ISDIR) !== 0;
      if (isDirectory && (mask & (IN.CREATE | IN.MOVED_TO))) {
        const dir = watches.get(watch as number);
        if (dir !== undefined) watchTree(child(dir, instance.entryName()));
      }
      downstream!.event(mask, watch);
    },
    overflow: () => downstream!.overflow(),
    malformed: () => downstream!.malformed(),
  };
  return {
    kind: "inotify",
    // inotify's queue holds 16,384 events: 20 ms of a flood fits in it.
    gatherMs: 20,
    waitReadable: (timeoutMs) => instance.waitReadable(timeoutMs),
    read(to) {
      downstream = to;
      return instance.readInto(sink);
    },
    directoryPath: (watch) => watches.get(watch as number) ?? null,
    entryName: () => instance.entryName(),
    close: () => instance.close(),
  };
}
