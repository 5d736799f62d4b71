/**
 * `vitrine lifecycle`: records an installation step (the Debian package's
 * maintainer scripts call it), creating the data directory when needed.
 *
 * @module
 */
import { currentPolicy } from "../policy/current_policy.ts";
import { dataPaths, DEFAULT_MANAGED_FILE } from "../store/data_paths.ts";
import { recordEvents } from "../record/record_events.ts";
import { type LifecycleCode, lifecycleRecord } from "../agent/startup_records.ts";
import { APP_VERSION, loadIdentity } from "../identity/identity.ts";
import { openStore } from "../store/open_store.ts";
import { outboxDepth } from "../store/outbox_queries.ts";
import { commandFlags, dataLocation, parseSeconds } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const LIFECYCLE_HELP = `vitrine lifecycle: record an installation step (for package scripts)

Usage: vitrine lifecycle install|upgrade|uninstall [flags]

  --from VERSION          the version upgraded from (upgrade)
  --correlation-id ID     ties the record to the lines of install.log of the same run
  --by WHO                who takes the step, for the record's text (default "the Debian package")
  --flush-seconds N       then send what waits to be sent for at most N seconds
                          (uninstall: so that the record leaves before the files go)
  --data-dir DIR, --managed-config FILE

Records an install event (correlation_id, version, severity, code, text)
(an upgrade from the version installed now is recorded as a reinstall)
and notes the installed version, so that the agent does not record the
step again at its next start. Creates the data directory if it is new.`;

/** Records one step. */
export async function lifecycleCommand(args: string[]): Promise<number> {
  const flags = commandFlags("lifecycle", args, LIFECYCLE_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  const [code] = positionals;
  if (positionals.length !== 1 || !["install", "upgrade", "uninstall"].includes(code!)) {
    throw new UsageError("vitrine lifecycle: expected `install`, `upgrade` or `uninstall`");
  }
  const correlationId = values["correlation-id"];
  if (correlationId !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(String(correlationId))) {
    throw new UsageError(
      `vitrine lifecycle: --correlation-id "${correlationId}" is not 1 to 64 letters, digits or dashes`,
    );
  }
  const flushSeconds = parseSeconds("flush-seconds", values["flush-seconds"], 1, 300);
  const { dataDir, managedFile } = dataLocation(values);
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(dataPaths(dataDir).database);
  try {
    const policy = await currentPolicy(store.db, managedFile ?? DEFAULT_MANAGED_FILE);
    const identity = await loadIdentity(store.db, policy);
    const from = values.from ?? null;
    // The same version installed over itself is no upgrade.
    const step = code === "upgrade" && from === APP_VERSION ? "reinstall" : code as LifecycleCode;
    const record = await lifecycleRecord(store.db, {
      code: step,
      from,
      ...(typeof correlationId === "string" ? { correlationId } : {}),
      by: values.by ?? "the Debian package",
      dataDir,
    });
    await recordEvents(store.db, identity, policy, [record]);
    console.log(`Recorded ${step} of vitrine ${identity.app_version} in ${dataDir}.`);
    if (flushSeconds !== undefined) {
      const { Uplink } = await import("../uplink/uplink.ts");
      const uplink = new Uplink(store.db, () => policy, { delayMs: 0 });
      await uplink.apply(null);
      await uplink.flush(flushSeconds * 1000);
      const left = await outboxDepth(store.db);
      const waiting = left.required + left.optional;
      console.log(
        waiting === 0
          ? "Nothing waits to be sent."
          : `${waiting} records could not be sent in ${flushSeconds} s; they stay in ${dataDir}.`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
