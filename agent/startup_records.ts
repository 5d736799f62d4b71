/**
 * What the agent records when it starts: how the previous run ended, and
 * whether this version is newly installed or upgraded.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { type Tier, TIERS } from "../catalog/types.ts";
import { APP_VERSION } from "../identity/identity.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";
import { readCrashNote } from "./crash_note.ts";
import { previousRunMarker } from "./running_marker.ts";
import { dataPaths } from "../store/data_paths.ts";
import type { RawEvent } from "../record/record_events.ts";

async function previousRunCrash(dataDir: string, problems: string[]): Promise<RawEvent | null> {
  const previous = await previousRunMarker(dataDir, problems);
  const found = await readCrashNote(dataDir);
  if (found.kind === "unreadable") {
    problems.push(
      `The crash note "${dataPaths(dataDir).crashNote}" could not be read (${found.why}); ${
        found.setAside ? `it was moved to "${found.setAside}"` : "it could not be moved"
      }. The crash is recorded without its details.`,
    );
  }
  const note = found.kind === "note" ? found.note : null;
  if (!previous && found.kind === "none") return null;
  const epoch = (value: unknown) => Number.isSafeInteger(value) ? value as number : null;
  const text = (value: unknown) => typeof value === "string" ? value : null;
  const startedAt = epoch(note?.startedAt) ?? epoch(previous?.startedAt);
  const lastSeenAt = epoch(previous?.lastSeenAt);
  const crashedAt = epoch(note?.at) ?? lastSeenAt;
  const state = note?.state ?? null;
  const reasons = ["uncaught_exception", "unhandled_rejection", "watchdog"];
  return {
    type: "crash",
    fields: {
      reason: reasons.includes(note?.reason as string) ? note!.reason : "unclean_shutdown",
      crashed_at: crashedAt,
      crashed_version: text(note?.version) ?? text(previous?.version),
      started_at: startedAt,
      last_seen_at: lastSeenAt,
      uptime: crashedAt !== null && startedAt !== null ? (crashedAt - startedAt) / 1000 : null,
      error_name: text(note?.error?.name),
      error_message: text(note?.error?.message),
      error_stack: text(note?.error?.stack),
      collector_states: state && typeof state.collectors === "object" && state.collectors !== null
        ? state.collectors as Record<string, unknown>
        : null,
      rss: epoch(state?.rssBytes),
      heap_used: epoch(state?.heapUsedBytes),
      last_level: TIERS.includes(state?.level as Tier) ? state!.level as Tier : null,
      managed_state: text(state?.managedState),
    },
  };
}

/** The three steps of an installation's life. */
export type LifecycleCode = "install" | "upgrade" | "reinstall" | "uninstall";

/** One step, as the Debian package's scripts or the agent itself report it. */
export interface LifecycleStep {
  code: LifecycleCode;
  /** The version upgraded from. */
  from?: string | null;
  /** Ties the record to the lines of install.log of the same run. */
  correlationId?: string;
  /** Who took the step, for the text ("the Debian package", "the agent"). */
  by: string;
  dataDir: string;
}

const INSTALLED = "installed_version";

/**
 * The install record of `step`, noting which version is installed so that
 * the agent's next start does not report the same step again.
 */
export async function lifecycleRecord(
  db: Kysely<Database>,
  step: LifecycleStep,
): Promise<RawEvent> {
  const text = {
    install: `vitrine ${APP_VERSION} installed by ${step.by}; data in ${step.dataDir}`,
    upgrade: `vitrine upgraded from ${
      step.from ?? "an unknown version"
    } to ${APP_VERSION} by ${step.by}`,
    reinstall: `vitrine ${APP_VERSION} installed again over itself by ${step.by}`,
    uninstall:
      `vitrine ${APP_VERSION} removed by ${step.by}; data kept in ${step.dataDir} unless purged`,
  }[step.code];
  await setMeta(db, INSTALLED, step.code === "uninstall" ? `removed ${APP_VERSION}` : APP_VERSION);
  return {
    type: "install",
    fields: {
      correlation_id: step.correlationId ?? crypto.randomUUID(),
      version: APP_VERSION,
      severity: "Informational",
      code: step.code,
      text,
    },
  };
}

async function installRecord(db: Kysely<Database>, dataDir: string): Promise<RawEvent | null> {
  const installed = await getMeta(db, INSTALLED);
  if (installed === APP_VERSION) return null;
  const fresh = installed === undefined || installed.startsWith("removed ");
  return await lifecycleRecord(db, {
    code: fresh ? "install" : "upgrade",
    from: fresh ? null : installed,
    by: "the agent at its first start",
    dataDir,
  });
}

/** What a start found: the records to store, and problems with what it read. */
export interface StartupFindings {
  records: RawEvent[];
  problems: string[];
}

/**
 * The records of a start: a crash when the previous run left its marker or
 * a crash note behind, and an install or upgrade when this version is new
 * here (problems with the previous run's files go to `log` too). The
 * caller clears the crash note once the records are stored.
 */
export async function startupRecords(
  db: Kysely<Database>,
  dataDir: string,
  log?: (message: string) => void,
): Promise<StartupFindings> {
  const problems: string[] = [];
  const records = [await previousRunCrash(dataDir, problems), await installRecord(db, dataDir)];
  for (const problem of problems) log?.(problem);
  return { records: records.filter((record) => record !== null), problems };
}
