/**
 * Learns whether a sensor is usable without counting anything.
 *
 * @module
 */
import { FAN, Fanotify } from "../../ffi/fanotify.ts";
import { IN, Inotify } from "../../ffi/inotify.ts";
import { inotifyRoots } from "./inotify_source.ts";
import { EbpfSensor } from "./ebpf_sensor.ts";
import type { SensorKind } from "./kernel_source.ts";

/**
 * Opens `kind`, marks or watches the first of `paths` as a reader would,
 * and closes it again at once. Throws why it is not usable.
 */
export function probeInterface(kind: SensorKind, paths: readonly string[]): void {
  if (kind === "ebpf") {
    EbpfSensor.open().close();
    return;
  }
  if (kind === "fanotify") {
    const group = Fanotify.open();
    try {
      group.markFilesystem(paths[0] ?? "/", FAN.OPEN);
    } finally {
      group.closeNow();
    }
    return;
  }
  const instance = Inotify.open();
  try {
    instance.addWatch(inotifyRoots(paths)[0] ?? "/", IN.OPEN);
  } finally {
    instance.closeNow();
  }
}
