/**
 * `vitrine data delete`: deletes this machine's diagnostic data, through
 * the running agent when there is one (in turn with its sending), else
 * directly; the dashboard's privacy page does the same.
 *
 * @module
 */
import { runningAgent } from "../agent/running_marker.ts";
import { deleteDiagnosticData } from "../record/delete_diagnostic_data.ts";
import { supportBundleFiles } from "../support/collect_support_bundle.ts";
import { askAgent } from "./ask_agent.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags, dataLocation } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const DATA_HELP = `vitrine data: this machine's diagnostic data

Usage:
  vitrine data delete --actor NAME

Deletes every stored event, what waits to be sent, held and waiting
samples with their private copies, and support bundles. Only a
diagnostic_data_deletion record stays: who asked, when, how much went. It is
sent to the organisation's backend before anything else (now, or the next
time sending is on), so that the backend deletes its copy of this
machine's records too. An administrator can turn this off
(privacy.allowDataDeletion). Exits 0 when the data was deleted, 1 when it
was refused.

Flags: --data-dir DIR, --managed-config FILE`;

/** Runs `vitrine data`. */
export async function dataCommand(args: string[]): Promise<number> {
  const flags = commandFlags("data", args, DATA_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  if (positionals.length !== 1 || positionals[0] !== "delete") {
    throw new UsageError("vitrine data: expected `delete`");
  }
  if (values.actor === undefined) {
    throw new UsageError(
      "vitrine data delete: --actor NAME is required (who asks, up to 200 characters)",
    );
  }
  const { dataDir } = dataLocation(values);
  const running = await runningAgent(dataDir);
  const outcome = running
    ? await throughAgent(dataDir, running, values.actor)
    : await directly(values, values.actor);
  if (!outcome.ok) {
    console.error(`vitrine data delete: ${outcome.message}.`);
    return 1;
  }
  const r = outcome.record;
  console.log(
    `Deleted ${r.deleted_required} required and ${r.deleted_optional} optional records, ${r.samples_deleted} samples and ${r.bundles_deleted} support bundles; ${
      Number(r.withdrawn_required) + Number(r.withdrawn_optional)
    } records that waited to be sent never will be. The backend is asked to delete its copy.`,
  );
  return 0;
}

type Outcome = { ok: true; record: Record<string, unknown> } | { ok: false; message: string };

async function throughAgent(
  dataDir: string,
  running: NonNullable<Awaited<ReturnType<typeof runningAgent>>>,
  actor: string,
): Promise<Outcome> {
  const answer = await askAgent(dataDir, running, "/api/data/delete", { actor });
  if (answer.status === 200) {
    return { ok: true, record: answer.body.record as Record<string, unknown> };
  }
  return { ok: false, message: String(answer.body.error ?? `the agent answered ${answer.status}`) };
}

async function directly(
  values: Record<string, string | boolean | undefined>,
  actor: string,
): Promise<Outcome> {
  const data = await openDataFromFlags(values);
  try {
    const result = await deleteDiagnosticData(data.store.db, data.identity, data.policy, {
      actor,
      bundles: () => supportBundleFiles(data.dataDir),
    });
    return result.ok ? { ok: true, record: result.record } : { ok: false, message: result.message };
  } finally {
    await data.store.close();
  }
}
