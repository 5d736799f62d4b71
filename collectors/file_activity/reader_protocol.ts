/**
 * Messages between the agent core and the kernel reader.
 *
 * @module
 */

/** The kernel interfaces a reader can use. */
export type KernelInterface = "fanotify" | "inotify";

/** An exclusion as the reader applies it. */
export type Exclusion =
  | { kind: "path"; path: string; isDirectory: boolean }
  | { kind: "extension"; extension: string }
  | { kind: "name"; name: string };

/** Core to reader: start reading. */
export interface ConnectMessage {
  type: "connect";
  /** Which interfaces to try, in order. */
  prefer: readonly KernelInterface[];
  /** Where activity counts. */
  paths: readonly string[];
  exclusions: readonly Exclusion[];
  /** How often the kernel queue is drained, in ms. */
  drainMs: number;
}

/** Reader to core: the outcome of a connect. */
export interface HelloMessage {
  type: "hello";
  subsystem: KernelInterface | "unavailable";
  /** The kernel bits subscribed, per counter family. */
  masks: { vnode: number; file_op: number };
  /** Trouble worth a health problem. */
  problems: string[];
  /** Why a preferred interface was passed over while another works. */
  notes: string[];
}

/** Reader to core: totals since the reader started. */
export interface BatchMessage {
  type: "batch";
  seq: number;
  /** Catalogue field name to running total. */
  counters: Record<string, number>;
  /** Channel counters kept by the reader. */
  channel: Record<string, number>;
  overflows: number;
}

/** Core to reader: a batch was taken, or refused. */
export interface ReplyMessage {
  type: "ack" | "nack";
  seq: number;
}
