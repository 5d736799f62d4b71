/**
 * The core side of the real-time file-activity subsystem: starts the
 * kernel reader worker, acknowledges its batches and turns its totals into
 * kernel_statistics fields.
 *
 * @module
 */
import { eventSpec } from "../../catalog/key_spec.ts";
import type { Tier } from "../../catalog/types.ts";
import type { Fields } from "../../catalog/validate_event.ts";
import { APP_VERSION } from "../../identity/identity.ts";
import { probeInterface } from "./probe_interface.ts";
import {
  type BatchMessage,
  type ConnectMessage,
  type Exclusion,
  type HelloMessage,
  type KernelInterface,
  PROTOCOL_VERSION,
  type ReaderMessage,
} from "./reader_protocol.ts";

const KERNEL_FIELDS = eventSpec("kernel_statistics")?.fields ?? [];
const HANDSHAKE_TIMEOUT_MS = 5000;

/** How to start the subsystem. */
export interface SubsystemOptions {
  paths: readonly string[];
  exclusions: readonly Exclusion[];
  traceLevel: string;
  /** False at the required level. */
  observeKernel: boolean;
  /** Interfaces to try, in order (tests force inotify). */
  prefer?: readonly KernelInterface[];
}

/** What the subsystem is doing now. */
export interface SubsystemStatus {
  subsystem: HelloMessage["subsystem"] | "starting" | "stopped";
  instanceId: string;
  problems: string[];
  /** Facts worth knowing that are not problems (such as a fallback). */
  notes: string[];
  overflows: number;
}

/** The channel counters the core keeps (catalogue `source.channel` names), all zero. */
function coreCounters(): Record<
  | "connects"
  | "rejects"
  | "acked"
  | "nacked"
  | "handshake_timeouts"
  | "ack_no_conn"
  | "nack_no_conn",
  number
> {
  return {
    connects: 0,
    rejects: 0,
    acked: 0,
    nacked: 0,
    handshake_timeouts: 0,
    ack_no_conn: 0,
    nack_no_conn: 0,
  };
}

function isBatch(message: ReaderMessage): message is BatchMessage {
  const m = message as Partial<BatchMessage>;
  return m.type === "batch" && Number.isInteger(m.seq) &&
    typeof m.counters === "object" && m.counters !== null &&
    typeof m.channel === "object" && m.channel !== null &&
    Number.isInteger(m.overflows);
}

/** The real-time file-activity subsystem. */
export class FileActivitySubsystem {
  #worker: Worker | null = null;
  #options: SubsystemOptions | null = null;
  #instanceId = "";
  #subsystem: SubsystemStatus["subsystem"] = "stopped";
  #problems: string[] = [];
  #notes: string[] = [];
  #masks = { vnode: 0, file_op: 0 };
  #latest: BatchMessage | null = null;
  #core = coreCounters();
  #ready: Promise<void> = Promise.resolve();

  /**
   * Starts (or restarts, with a new instance id) the subsystem. At the
   * required level (`observeKernel` false) no reader is started: each
   * interface is only probed to learn which one this machine would use.
   */
  start(options: SubsystemOptions): Promise<void> {
    this.stop();
    this.#options = options;
    this.#instanceId = crypto.randomUUID();
    this.#subsystem = "starting";
    this.#problems = [];
    this.#notes = [];
    this.#latest = null;
    this.#masks = { vnode: 0, file_op: 0 };
    this.#core = coreCounters();
    const prefer = options.prefer ?? ["fanotify", "inotify"];
    if (!options.observeKernel) {
      this.#probe(prefer, options.paths);
      return Promise.resolve();
    }
    const worker = new Worker(
      new URL("./file_activity_worker.ts", import.meta.url),
      { type: "module" },
    );
    this.#worker = worker;
    this.#ready = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#core.handshake_timeouts++;
        this.#subsystem = "unavailable";
        this.#problems.push("The kernel reader did not answer within 5 s");
        resolve();
      }, HANDSHAKE_TIMEOUT_MS);
      worker.onmessage = (event: MessageEvent<ReaderMessage>) => {
        const message = event.data;
        if (message?.type === "hello") {
          clearTimeout(timer);
          this.#core.connects++;
          this.#subsystem = message.subsystem;
          this.#masks = message.masks;
          this.#problems.push(...message.problems);
          this.#notes.push(...(message.notes ?? []));
          resolve();
        } else if (message?.type === "reject") {
          clearTimeout(timer);
          this.#core.rejects++;
          this.#subsystem = "unavailable";
          this.#problems.push(
            `The kernel reader refused the connection: ${message.reason}`,
          );
          resolve();
        } else this.#onBatch(message, worker);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        clearTimeout(timer);
        this.#subsystem = "unavailable";
        this.#problems.push(`The kernel reader failed: ${event.message}`);
        resolve();
      };
    });
    const connect: ConnectMessage = {
      type: "connect",
      version: PROTOCOL_VERSION,
      prefer,
      paths: options.paths,
      exclusions: options.exclusions,
    };
    worker.postMessage(connect);
    return this.#ready;
  }

  #probe(prefer: readonly KernelInterface[], paths: readonly string[]): void {
    const notes: string[] = [];
    for (const kind of prefer) {
      try {
        probeInterface(kind, paths);
        this.#subsystem = kind;
        this.#notes = notes;
        return;
      } catch (error) {
        notes.push(`${kind} is not usable: ${(error as Error).message}`);
      }
    }
    this.#subsystem = "unavailable";
    this.#problems = notes;
  }

  #onBatch(message: ReaderMessage, worker: Worker): void {
    const valid = isBatch(message);
    const seq = (message as Partial<BatchMessage>).seq;
    if (valid) {
      if (this.#latest === null || message.seq > this.#latest.seq) {
        this.#latest = message;
      }
      this.#core.acked++;
    } else this.#core.nacked++;
    if (this.#worker !== worker) {
      if (valid) this.#core.ack_no_conn++;
      else this.#core.nack_no_conn++;
      return;
    }
    worker.postMessage({
      type: valid ? "ack" : "nack",
      seq: Number.isInteger(seq) ? seq : -1,
    });
  }

  /** Resolves once the reader has answered the connect. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Stops the reader. */
  stop(): void {
    if (this.#worker) {
      this.#worker.postMessage({ type: "stop" });
      const worker = this.#worker;
      // Give the reader a moment to close its descriptor, then end it.
      setTimeout(() => worker.terminate(), 200);
      this.#worker = null;
    }
    if (this.#subsystem !== "stopped") this.#subsystem = "stopped";
  }

  /** The status shown by health and the dashboard. */
  status(): SubsystemStatus {
    const overflows = this.#latest?.overflows ?? 0;
    const problems = [...this.#problems];
    if (overflows > 0) {
      problems.push(
        `The kernel event queue overflowed ${overflows} times; some file activity was not counted`,
      );
    }
    return {
      subsystem: this.#subsystem,
      instanceId: this.#instanceId,
      problems,
      notes: [...this.#notes],
      overflows,
    };
  }

  /**
   * The kernel_statistics fields now. Counters the active interface cannot
   * observe are null, never zero; optional ones only when `tiers` allows.
   */
  fields(tiers: readonly Tier[]): Fields {
    const active = this.#subsystem === "fanotify" || this.#subsystem === "inotify"
      ? this.#subsystem
      : null;
    const fields: Fields = {
      version: APP_VERSION,
      instance_id: this.#instanceId,
      trace_level: this.#options?.traceLevel ?? "error",
      subsystem: active ?? "unavailable",
      "ipc.connects": this.#core.connects,
      "ipc.rejects": this.#core.rejects,
      "ipc.connected": this.#worker !== null && active !== null,
    };
    if (!tiers.includes("optional")) return fields;
    const channel: Record<string, number> = {
      ...(this.#latest?.channel ?? {}),
      ...this.#core,
    };
    for (const field of KERNEL_FIELDS) {
      const source = field.source;
      if (!source) continue;
      let value: number | null = null;
      if (active !== null) {
        if (source.maskOf) value = this.#masks[source.maskOf] || null;
        else if (source.channel) value = channel[source.channel] ?? 0;
        else if (source[active]) {
          value = this.#latest?.counters[field.name] ?? 0;
        }
      }
      fields[field.name] = value;
    }
    fields.queue_overflows = active === null ? null : this.#latest?.overflows ?? 0;
    return fields;
  }
}
