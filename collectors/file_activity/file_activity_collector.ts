/**
 * The file-activity subsystem as the agent schedules it: started, stopped
 * and restarted as the policy changes, read once per interval.
 *
 * @module
 */
import type { RawEvent } from "../../catalog/raw_event.ts";
import type { Policy } from "../../policy/policy.ts";
import { allowedTiers } from "../../policy/tiers.ts";
import type { Collector } from "../collector.ts";
import { FileActivitySubsystem, type SubsystemStatus } from "./file_activity_subsystem.ts";
import { readerExclusions } from "./path_filter.ts";
import { SENSOR_KINDS, type SensorKind } from "./kernel_source.ts";

/**
 * Why counting every file operation on the machine would count more than
 * the policy asks (the eBPF sensor sees system calls, not paths), or null.
 * The agent's own work, data directory included, is left out by process.
 */
export function narrowerScope(paths: readonly string[], exclusions: number): string | null {
  if (paths.length !== 1 || paths[0] !== "/") {
    return `fileActivity.paths ${JSON.stringify(paths)} asks for less`;
  }
  if (exclusions > 0) {
    return `antivirusEngine.exclusions holds ${exclusions} exclusion(s) it cannot apply`;
  }
  return null;
}

/** Collects kernel_statistics on the file-activity interval. */
export class FileActivityCollector implements Collector {
  readonly name = "file_activity";
  readonly interval = "collection.fileActivityInterval";
  readonly immediate = false;
  readonly #subsystem = new FileActivitySubsystem();
  readonly #dataDir: string;
  readonly #prefer: readonly SensorKind[] | undefined;
  #key = "";

  /** `dataDir` is excluded from the counts; `prefer` (--prefer) overrides fileActivity.sensor. */
  constructor(dataDir: string, prefer?: readonly SensorKind[]) {
    this.#dataDir = dataDir;
    this.#prefer = prefer;
  }

  async apply(policy: Policy): Promise<void> {
    const observeKernel = allowedTiers(policy, "collect").includes("optional");
    const enabled = policy.get("antivirusEngine.enableRealTimeProtection");
    const sensor = policy.get("fileActivity.sensor");
    const paths = policy.get("fileActivity.paths");
    const options = {
      paths,
      exclusions: readerExclusions(policy.get("antivirusEngine.exclusions"), this.#dataDir),
      traceLevel: policy.get("fileActivity.traceLevel"),
      observeKernel,
      prefer: this.#prefer ?? (sensor === "auto" ? SENSOR_KINDS : [sensor]),
      narrowerScope: narrowerScope(paths, policy.get("antivirusEngine.exclusions").length),
    };
    const key = JSON.stringify([enabled, options]);
    if (key === this.#key) return;
    this.#key = key;
    if (enabled) await this.#subsystem.start(options);
    else await this.#subsystem.stop();
  }

  collect(policy: Policy): Promise<RawEvent[]> {
    const fields = this.#subsystem.fields(allowedTiers(policy, "collect"));
    return Promise.resolve([{ type: "kernel_statistics", fields }]);
  }

  problems(): string[] {
    return this.#subsystem.status().problems;
  }

  /** What the subsystem is doing now. */
  status(): SubsystemStatus {
    return this.#subsystem.status();
  }

  stop(): Promise<void> {
    return this.#subsystem.stop();
  }
}
