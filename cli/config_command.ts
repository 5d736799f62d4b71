/**
 * `vitrine config`: show the policy in effect, and set local preferences.
 *
 * @module
 */
import { runningAgent } from "../agent/running_marker.ts";
import { signalProcess } from "../ffi/process.ts";
import { agentApplying } from "../agent/agent_status.ts";
import { changePreference } from "../policy/change_preference.ts";
import { currentPolicy } from "../policy/current_policy.ts";
import { SETTINGS } from "../policy/settings_spec.ts";
import { describeType } from "../policy/validate_settings.ts";
import { AGENT_SETTLE_MS, openDataFromFlags } from "./open_data.ts";
import { commandFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const CONFIG_HELP = `vitrine config: the settings in effect, and local preferences

Usage:
  vitrine config show               every setting, its value and where it comes from
  vitrine config set KEY VALUE      set a local preference (VALUE is JSON, or a bare word)
  vitrine config unset KEY          drop a local preference
  vitrine config keys               every setting with its type, default and meaning

Flags: --data-dir DIR, --managed-config FILE, -h/--help

A setting in the managed file wins and cannot be set locally. A running
agent picks changes up within seconds and records a configuration event.`;

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function usage(
  action: string | undefined,
  key: string | undefined,
  value: string | undefined,
  extra: number,
): string | null {
  if (action !== "show" && action !== "set" && action !== "unset") {
    return `vitrine config: unknown action "${action}"; use show, set, unset or keys`;
  }
  if (action === "show") return null;
  if (key === undefined) {
    return `vitrine config ${action}: a KEY is needed. Run \`vitrine config keys\` for the list.`;
  }
  if (
    (action === "set" && (value === undefined || extra > 0)) ||
    (action === "unset" && value !== undefined)
  ) {
    return `vitrine config ${action}: expected \`vitrine config ${action} KEY${
      action === "set" ? " VALUE" : ""
    }\``;
  }
  return null;
}

/** Runs a config subcommand. */
export async function configCommand(args: string[]): Promise<number> {
  const flags = commandFlags("config", args, CONFIG_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  if (positionals.length === 0) {
    console.log(CONFIG_HELP);
    return 2;
  }
  const [action, key, value, ...rest] = positionals;
  if (action === "keys") {
    console.log(JSON.stringify(
      SETTINGS.map((s) => ({
        key: s.key,
        expected: describeType(s.type),
        default: s.default,
        meaning: s.meaning,
      })),
      null,
      2,
    ));
    return 0;
  }
  const wrong = usage(action, key, value, rest.length);
  if (wrong) throw new UsageError(wrong);
  const data = await openDataFromFlags(values);
  try {
    if (action === "show") {
      console.log(JSON.stringify(data.policy.entries(), null, 2));
      for (const problem of data.policy.problems) console.error(problem.message);
      return 0;
    }
    const change = await changePreference(
      data.store.db,
      data.policy,
      key!,
      action === "set" ? parseValue(value!) : undefined,
    );
    if (!change.ok) {
      const message = `vitrine config ${action}: ${change.message}.`;
      if (change.reason === "unknown_key" || change.reason === "invalid_value") {
        throw new UsageError(message);
      }
      console.error(message);
      return 1;
    }
    console.log(
      change.value === undefined
        ? `Local preference "${change.key}" removed.`
        : `Local preference "${change.key}" set to ${JSON.stringify(change.value)}.`,
    );
    if (data.agent) {
      // The agent re-reads its policy on SIGHUP; only the process that holds
      // the data directory's lock is told.
      const running = await runningAgent(data.dataDir);
      if (running) signalProcess(running.pid, "SIGHUP");
      const after = await currentPolicy(data.store.db, data.policy.managedFile);
      const { applied } = await agentApplying(data.store.db, after.fingerprint(), AGENT_SETTLE_MS);
      console.log(
        applied
          ? `The running agent (pid ${data.agent.pid}) applies it now.`
          : `The running agent (pid ${data.agent.pid}) has not applied it yet; \`vitrine health\` shows when it has.`,
      );
    }
    return 0;
  } finally {
    await data.store.close();
  }
}
