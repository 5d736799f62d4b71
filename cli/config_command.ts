/**
 * `vitrine config`: show the policy in effect, and set local preferences.
 *
 * @module
 */
import { SETTINGS, settingSpec } from "../policy/settings_spec.ts";
import { checkSetting, describeType } from "../policy/validate_settings.ts";
import { setPreference } from "../store/meta_queries.ts";
import { openData } from "./open_data.ts";
import { DATA_FLAGS, dataLocation, parseFlags } from "./parse_flags.ts";
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

/** Runs a config subcommand. */
export async function configCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("config", args, DATA_FLAGS, true);
  if (values.help || positionals.length === 0) {
    console.log(CONFIG_HELP);
    return values.help ? 0 : 2;
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
  const { dataDir, managedFile } = dataLocation(values);
  if (action !== "show" && action !== "set" && action !== "unset") {
    throw new UsageError(
      `vitrine config: unknown action "${action}"; use show, set, unset or keys`,
    );
  }
  if (action !== "show" && (key === undefined || settingSpec(key) === undefined)) {
    throw new UsageError(
      `vitrine config ${action}: ${
        key === undefined ? "a KEY is needed" : `unknown setting "${key}"`
      }. Run \`vitrine config keys\` for the list.`,
    );
  }
  if (
    (action === "set" && (value === undefined || rest.length > 0)) ||
    (action === "unset" && value !== undefined)
  ) {
    throw new UsageError(
      `vitrine config ${action}: expected \`vitrine config ${action} KEY${
        action === "set" ? " VALUE" : ""
      }\``,
    );
  }
  const data = await openData(dataDir, managedFile);
  try {
    if (action === "show") {
      console.log(JSON.stringify(
        Object.entries(data.policy.settings).map(([k, v]) => ({
          key: k,
          value: v,
          source: data.policy.sources[k],
        })),
        null,
        2,
      ));
      for (const problem of data.policy.problems) console.error(problem.message);
      return 0;
    }
    const source = data.policy.sources[key!];
    if (source === "managed") {
      console.error(
        `vitrine config: "${key}" is managed by "${data.policy.managedFile}" and cannot be changed locally.`,
      );
      return 1;
    }
    if (source === "fail_closed") {
      console.error(
        `vitrine config: "${key}" is held at its most private value because "${data.policy.managedFile}" is invalid; fix that file first.`,
      );
      return 1;
    }
    if (action === "unset") {
      await setPreference(data.store.db, key!, undefined);
      console.log(`Local preference "${key}" removed.`);
      return 0;
    }
    const parsed = parseValue(value!);
    const problem = checkSetting(key!, parsed);
    if (problem) throw new UsageError(`vitrine config set: ${problem.message}`);
    await setPreference(data.store.db, key!, parsed);
    console.log(`Local preference "${key}" set to ${JSON.stringify(parsed)}.`);
    return 0;
  } finally {
    await data.store.close();
  }
}
