/**
 * What the read loop needs from a kernel interface: readiness, and events
 * handed one at a time to a sink, with no object made per event.
 *
 * @module
 */

/** The kernel interfaces the subsystem can read. */
export type KernelInterface = "fanotify" | "inotify";

/** The ways the subsystem can count, best first: in the kernel (eBPF), or by reading an interface. */
export const SENSOR_KINDS = ["ebpf", "fanotify", "inotify"] as const;

/** One way the subsystem can count. */
export type SensorKind = typeof SENSOR_KINDS[number];

/** A directory as a source names it: a handle key (fanotify) or a watch (inotify). */
export type DirectoryRef = string | number;

/** Where a source hands its events. */
export interface KernelSink {
  /**
   * An event with kernel bits `mask` (in the interface's numbering; bit
   * 0x40000000 marks a directory in both) on an entry of `directory`
   * (null when the kernel named none).
   */
  event(mask: number, directory: DirectoryRef | null): void;
  /** The kernel's queue overflowed: events were lost. */
  overflow(): void;
  /** A record that could not be parsed. */
  malformed(): void;
}

/** A kernel interface being read. */
export interface KernelSource {
  readonly kind: KernelInterface;
  /**
   * How long events may gather after a drain before the next wait: fewer
   * wakes under light activity, bounded by what the kernel's queue holds.
   */
  readonly gatherMs: number;
  /** Resolves true once events are queued; false after `timeoutMs` or when closed. */
  waitReadable(timeoutMs: number): Promise<boolean>;
  /** Reads what is queued now, without waiting, into `sink`; returns the bytes read (0: none). */
  read(sink: KernelSink): number;
  /** The path of a directory an event named; null when it is gone. */
  directoryPath(directory: DirectoryRef): string | null;
  /** The name of the entry of the event being delivered ("" for the directory itself). */
  entryName(): string;
  /** Ends any wait and closes the kernel descriptor. */
  close(): Promise<void>;
}
