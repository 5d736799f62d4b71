/**
 * What the read loop needs from a kernel interface: records, normalised.
 *
 * @module
 */
import type { KernelInterface } from "./reader_protocol.ts";

/** One kernel event, or a lost-events marker. */
export type KernelRecord =
  | { overflow: true }
  | {
    overflow: false;
    /** The event's bits in its interface's numbering. */
    mask: number;
    isDirectory: boolean;
    /** The full path, or null when the source was told paths are not needed. */
    path: string | null;
    /** The entry's name. */
    name: string;
  };

/** A kernel interface being read. */
export interface KernelSource {
  readonly kind: KernelInterface;
  /** Reads what is queued now without waiting; empty when nothing is. */
  read(): { records: KernelRecord[]; malformed: number };
  close(): void;
}
