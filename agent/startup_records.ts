/**
 * What the agent records when it starts: how the previous run ended, and
 * whether this version is newly installed or upgraded.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { APP_VERSION } from "../identity/identity.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";
import { dataPaths } from "./data_dir.ts";
import type { RawEvent } from "./record_events.ts";

/** What the running marker holds while the agent runs. */
interface RunningMarker {
  pid: number;
  startedAt: number;
  lastSeenAt: number;
  error?: string;
  stack?: string;
}

/** Writes the marker that says a run is under way (removed by a clean stop). */
export async function writeRunningMarker(dataDir: string, startedAt: number): Promise<void> {
  const marker: RunningMarker = { pid: Deno.pid, startedAt, lastSeenAt: Date.now() };
  await Deno.writeTextFile(dataPaths(dataDir).running, JSON.stringify(marker), { mode: 0o600 });
}

/** Removes the running marker: the run ended cleanly. */
export async function removeRunningMarker(dataDir: string): Promise<void> {
  await Deno.remove(dataPaths(dataDir).running).catch(() => {});
}

async function previousRunCrash(dataDir: string): Promise<RawEvent | null> {
  let previous: Partial<RunningMarker>;
  try {
    previous = JSON.parse(await Deno.readTextFile(dataPaths(dataDir).running));
  } catch {
    // No marker: the previous run stopped cleanly, or there was none.
    return null;
  }
  const epoch = (value: unknown) => Number.isSafeInteger(value) ? value as number : null;
  return {
    type: "crash",
    fields: {
      reason: previous.error ? "fatal_error" : "unclean_shutdown",
      started_at: epoch(previous.startedAt),
      last_seen_at: epoch(previous.lastSeenAt),
      error_message: typeof previous.error === "string" ? previous.error : null,
      error_stack: typeof previous.stack === "string" ? previous.stack : null,
    },
  };
}

async function installRecord(db: Kysely<Database>, dataDir: string): Promise<RawEvent | null> {
  const installed = await getMeta(db, "installed_version");
  if (installed === APP_VERSION) return null;
  await setMeta(db, "installed_version", APP_VERSION);
  return {
    type: "install",
    fields: {
      correlation_id: crypto.randomUUID(),
      version: APP_VERSION,
      severity: "Informational",
      code: installed === undefined ? "install" : "upgrade",
      text: installed === undefined
        ? `vitrine ${APP_VERSION} set up its data directory ${dataDir}`
        : `vitrine upgraded from ${installed} to ${APP_VERSION}`,
    },
  };
}

/**
 * The records of a start: a crash when the previous run left its marker
 * behind, and an install or upgrade when this version is new here.
 */
export async function startupRecords(db: Kysely<Database>, dataDir: string): Promise<RawEvent[]> {
  const records = [await previousRunCrash(dataDir), await installRecord(db, dataDir)];
  return records.filter((record) => record !== null);
}
