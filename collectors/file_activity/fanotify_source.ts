/**
 * A kernel source over fanotify: filesystem marks in FID mode.
 *
 * @module
 */
import { FAN, Fanotify } from "../../ffi/fanotify.ts";
import type { KernelRecord, KernelSource } from "./kernel_source.ts";

/**
 * Opens a fanotify group marking the filesystems that hold `paths` for the
 * bits in `mask`. Paths of events are resolved only when `resolvePaths`
 * (resolving costs a system call per new directory).
 */
export function openFanotifySource(
  paths: readonly string[],
  mask: number,
  resolvePaths: boolean,
): KernelSource {
  const group = Fanotify.open();
  try {
    for (const root of new Set(paths)) group.markFilesystem(root, mask | FAN.ONDIR);
  } catch (error) {
    group.close();
    throw error;
  }
  return {
    kind: "fanotify",
    read() {
      const batch = group.read(0);
      const records: KernelRecord[] = [];
      for (const event of batch.events) {
        if (event.mask & FAN.Q_OVERFLOW) {
          records.push({ overflow: true });
          continue;
        }
        const name = event.name ?? ".";
        let path: string | null = null;
        if (resolvePaths) {
          const directory = event.directoryKey ? group.directoryPath(event.directoryKey) : null;
          // The directory is gone: nothing left to place the event in.
          if (directory === null) continue;
          path = name === "." ? directory : `${directory === "/" ? "" : directory}/${name}`;
        }
        records.push({
          overflow: false,
          mask: event.mask,
          isDirectory: (event.mask & FAN.ONDIR) !== 0,
          path,
          name: name === "." ? "" : name,
        });
      }
      return { records, malformed: batch.malformed };
    },
    close: () => group.close(),
  };
}
