/**
 * A kernel source over fanotify: filesystem marks in FID mode.
 *
 * @module
 */
import { FAN, Fanotify } from "../../ffi/fanotify.ts";
import type { KernelSource } from "./kernel_source.ts";

/** Opens a fanotify group marking the filesystems that hold `paths` for the bits in `mask`. */
export function openFanotifySource(paths: readonly string[], mask: number): KernelSource {
  const group = Fanotify.open();
  try {
    for (const root of new Set(paths)) group.markFilesystem(root, mask | FAN.ONDIR);
  } catch (error) {
    group.closeNow();
    throw error;
  }
  return {
    kind: "fanotify",
    // The queue has no limit: a quarter of a second of events waits safely.
    gatherMs: 250,
    waitReadable: (timeoutMs) => group.waitReadable(timeoutMs),
    read: (sink) => group.readInto(sink),
    directoryPath: (directory) => group.directoryPath(String(directory)),
    entryName: () => group.entryName(),
    close: () => group.close(),
  };
}
