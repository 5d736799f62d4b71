/**
 * `vitrine service-stopped`: the service unit's `ExecStopPost=`. systemd
 * runs it after the agent ended, with `$SERVICE_RESULT` saying why; when
 * that is `watchdog` (the agent stopped telling systemd it was alive, as a
 * frozen event loop would, and was killed), it leaves the note that the
 * next start records as a crash with reason "watchdog". A note the agent
 * left itself is kept. It never fails the unit.
 *
 * @module
 */
import { writeWatchdogNote } from "../agent/crash_note.ts";
import { readRunningMarker } from "../agent/running_marker.ts";
import { commandFlags, dataLocation } from "./parse_flags.ts";

/** Help text. */
export const SERVICE_STOPPED_HELP = `vitrine service-stopped: note how systemd ended the agent

Usage: vitrine service-stopped [--data-dir DIR]

Run by vitrine.service as ExecStopPost=. When systemd's $SERVICE_RESULT is
"watchdog", leaves a crash note so that the next start records a crash
with reason "watchdog". Otherwise does nothing. Always exits 0.`;

/** Notes a watchdog kill for the next start. */
export async function serviceStoppedCommand(args: string[]): Promise<number> {
  const flags = commandFlags("service-stopped", args, SERVICE_STOPPED_HELP);
  if (flags === null) return 0;
  const result = Deno.env.get("SERVICE_RESULT");
  if (result !== "watchdog") return 0;
  const { dataDir } = dataLocation(flags.values);
  const found = await readRunningMarker(dataDir);
  const startedAt = found.kind === "marker" && Number.isSafeInteger(found.marker.startedAt)
    ? found.marker.startedAt!
    : null;
  try {
    const written = writeWatchdogNote(
      dataDir,
      startedAt,
      `systemd ended the agent: it sent no WATCHDOG=1 within WatchdogSec (SERVICE_RESULT=watchdog, ${
        Deno.env.get("EXIT_CODE") ?? "?"
      } ${Deno.env.get("EXIT_STATUS") ?? "?"})`,
    );
    console.log(
      written
        ? "Noted a watchdog kill for the next start."
        : "A crash note is already there; kept.",
    );
  } catch (error) {
    console.error(`Could not note the watchdog kill: ${(error as Error).message}`);
  }
  return 0;
}
