/**
 * The real-time file-activity subsystem: starts the kernel reader as the
 * policy asks and turns its totals into kernel_statistics fields.
 *
 * @module
 */
import { eventSpec } from "../../catalog/key_spec.ts";
import type { Tier } from "../../catalog/types.ts";
import type { EventFields } from "../../catalog/event_fields.ts";
import type { Fields } from "../../catalog/validate_event.ts";
import { APP_VERSION } from "../../identity/identity.ts";
import { type KernelReader, startKernelReader } from "./kernel_reader.ts";
import type { SensorKind } from "./kernel_source.ts";
import type { Exclusion } from "./path_filter.ts";
import { probeInterface } from "./probe_interface.ts";

const KERNEL_FIELDS = eventSpec("kernel_statistics")?.fields ?? [];

/** How to start the subsystem. */
export interface SubsystemOptions {
  paths: readonly string[];
  exclusions: readonly Exclusion[];
  traceLevel: EventFields["kernel_statistics"]["trace_level"] & string;
  /** False at the required level. */
  observeKernel: boolean;
  /** Sensors to try, in order: the setting, or --prefer. */
  prefer: readonly SensorKind[];
  /** Why counting the whole machine would not honour the policy's scope, or null (see the reader). */
  narrowerScope: string | null;
}

/** What the subsystem is doing now. */
export interface SubsystemStatus {
  subsystem: SensorKind | "unavailable" | "stopped";
  instanceId: string;
  problems: string[];
  /** Facts worth knowing that are not problems (such as a fallback). */
  notes: string[];
  overflows: number;
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
  #rejects = 0;
  #totals: Record<string, number> = {};

  /**
   * Starts (or restarts, with a new instance id) the subsystem. At the
   * required level (`observeKernel` false) no reader is started: each
   * interface is only probed to learn which one this machine would use.
   */
  async start(options: SubsystemOptions): Promise<void> {
    await this.#stopReader();
    this.#options = options;
    this.#instanceId = crypto.randomUUID();
    this.#problems = [];
    this.#notes = [];
    this.#rejects = 0;
    this.#totals = {};
    if (!options.observeKernel) {
      this.#probe(options);
      return;
    }
    const reader = startKernelReader(options);
    this.#reader = reader.subsystem === "unavailable" ? null : reader;
    this.#subsystem = reader.subsystem;
    this.#rejects = reader.rejects;
    this.#problems.push(...reader.problems);
    this.#notes.push(...reader.notes);
  }

  #probe(options: SubsystemOptions): void {
    const notes: string[] = [];
    let rejects = 0;
    for (const kind of options.prefer) {
      if (kind === "ebpf" && options.narrowerScope !== null) {
        notes.push(
          `ebpf is passed over: it counts the whole machine, and ${options.narrowerScope}`,
        );
        continue;
      }
      try {
        probeInterface(kind, options.paths);
        this.#subsystem = kind;
        this.#notes = notes;
        this.#rejects = rejects;
        return;
      } catch (error) {
        notes.push(`${kind} is not usable: ${(error as Error).message}`);
        rejects++;
      }
    }
    this.#subsystem = "unavailable";
    this.#rejects = rejects;
    this.#problems = notes;
  }

  async #stopReader(): Promise<void> {
    const reader = this.#reader;
    this.#reader = null;
    await reader?.stop();
  }

  /** Stops the reader and closes its kernel descriptor. */
  async stop(): Promise<void> {
    await this.#stopReader();
    this.#subsystem = "stopped";
  }

  /** The status shown by health and the dashboard. */
  status(): SubsystemStatus {
    const overflows = this.#reader?.counters().overflows ?? 0;
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
  fields(tiers: readonly Tier[]): EventFields["kernel_statistics"] {
    const active = this.#subsystem === "unavailable" || this.#subsystem === "stopped"
      ? null
      : this.#subsystem;
    const reader = this.#reader;
    const fields: EventFields["kernel_statistics"] = {
      version: APP_VERSION,
      instance_id: this.#instanceId,
      trace_level: this.#options?.traceLevel ?? "error",
      subsystem: active ?? "unavailable",
      "ipc.connects": reader ? 1 : 0,
      "ipc.rejects": this.#rejects,
      "ipc.connected": reader !== null,
    };
    if (!tiers.includes("optional")) return fields;
    if (reader) this.#totals = reader.totals().totals;
    const counters = reader?.counters();
    const masks = reader?.masks;
    // Counters named by the catalogue's own list (KERNEL_FIELDS).
    const counted: Fields = {};
    for (const field of KERNEL_FIELDS) {
      const source = field.source;
      if (!source) continue;
      let value: number | null = null;
      if (active !== null && reader) {
        if (source.maskOf) value = masks?.[source.maskOf] || null;
        // eBPF reads no records: a malformed one cannot happen, so it is not counted as none.
        else if (source.reader) {
          value = active === "ebpf" && source.reader === "bad_records"
            ? null
            : counters?.[source.reader] ?? 0;
        } else if (source[active]) value = this.#totals[field.name] ?? 0;
      }
      counted[field.name] = value;
    }
    fields.queue_overflows = active === null || !reader ? null : counters?.overflows ?? 0;
    return Object.assign(fields, counted as EventFields["kernel_statistics"]);
  }
}
