/**
 * The core side of the real-time file-activity subsystem: starts the
 * kernel reader on a message channel, acknowledges its batches and turns its totals into
 * kernel_statistics fields.
 *
 * @module
 */
import { eventSpec } from "../../catalog/key_spec.ts";
import type { Tier } from "../../catalog/types.ts";
import type { Fields } from "../../catalog/validate_event.ts";
import { APP_VERSION } from "../../identity/identity.ts";
import { type KernelReader, startKernelReader } from "./kernel_reader.ts";
import { probeInterface } from "./probe_interface.ts";
import type {
  BatchMessage,
  ConnectMessage,
  Exclusion,
  HelloMessage,
  KernelInterface,
  ReplyMessage,
} from "./reader_protocol.ts";

const KERNEL_FIELDS = eventSpec("kernel_statistics")?.fields ?? [];

/** How to start the subsystem. */
export interface SubsystemOptions {
  paths: readonly string[];
  exclusions: readonly Exclusion[];
  traceLevel: string;
  /** False at the required level. */
  observeKernel: boolean;
  /** Interfaces to try, in order (tests force inotify). */
  prefer?: readonly KernelInterface[];
  /** How often the kernel queue is drained, in ms (default 1000; tests go faster). */
  drainMs?: number;
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
  | "ack_no_conn"
  | "nack_no_conn",
  number
> {
  return {
    connects: 0,
    rejects: 0,
    acked: 0,
    nacked: 0,
    ack_no_conn: 0,
    nack_no_conn: 0,
  };
}

function isBatch(message: unknown): message is BatchMessage {
  const m = message as Partial<BatchMessage>;
  return m.type === "batch" && Number.isInteger(m.seq) &&
    typeof m.counters === "object" && m.counters !== null &&
    typeof m.channel === "object" && m.channel !== null &&
    Number.isInteger(m.overflows);
}

/** The real-time file-activity subsystem. */
export class FileActivitySubsystem {
  /** The running reader, if any. */
  #reader: KernelReader | null = null;
  #options: SubsystemOptions | null = null;
  #instanceId = "";
  #subsystem: SubsystemStatus["subsystem"] = "stopped";
  #problems: string[] = [];
  #notes: string[] = [];
  #masks = { vnode: 0, file_op: 0 };
  #latest: BatchMessage | null = null;
  #core = coreCounters();

  /**
   * Starts (or restarts, with a new instance id) the subsystem. At the
   * required level (`observeKernel` false) no reader is started: each
   * interface is only probed to learn which one this machine would use.
   */
  start(options: SubsystemOptions): Promise<void> {
    this.#stopReader();
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
    const connect: ConnectMessage = {
      type: "connect",
      prefer,
      paths: options.paths,
      exclusions: options.exclusions,
      drainMs: options.drainMs ?? 1000,
    };
    const reader: KernelReader = startKernelReader(
      connect,
      (batch) => this.#onBatch(batch, reader),
    );
    this.#reader = reader;
    const { hello } = reader;
    this.#core.connects++;
    this.#subsystem = hello.subsystem;
    this.#masks = hello.masks;
    this.#problems.push(...hello.problems);
    this.#notes.push(...hello.notes);
    return Promise.resolve();
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

  /** Takes a batch from `reader` and answers it. */
  #onBatch(message: BatchMessage, reader: KernelReader): ReplyMessage {
    const valid = isBatch(message);
    const seq = Number.isInteger(message?.seq) ? message.seq : -1;
    if (valid) {
      if (this.#latest === null || message.seq > this.#latest.seq) this.#latest = message;
      this.#core.acked++;
    } else this.#core.nacked++;
    if (this.#reader !== reader) {
      if (valid) this.#core.ack_no_conn++;
      else this.#core.nack_no_conn++;
    }
    return { type: valid ? "ack" : "nack", seq };
  }

  /** Resolves once the subsystem has started (kept for callers that wait). */
  ready(): Promise<void> {
    return Promise.resolve();
  }

  #stopReader(): void {
    this.#reader?.stop();
    this.#reader = null;
  }

  /** Stops the reader and closes its kernel descriptor. */
  stop(): Promise<void> {
    this.#stopReader();
    if (this.#subsystem !== "stopped") this.#subsystem = "stopped";
    return Promise.resolve();
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
      "ipc.connected": this.#reader !== null && active !== null,
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
