/**
 * The one rule for whether a local preference may change, shared by
 * `vitrine config` and the dashboard.
 *
 * @module
 */
import type { Policy } from "./policy.ts";
import { isSettingKey, type SettingKey } from "./settings_spec.ts";
import { checkSetting } from "./validate_settings.ts";

/** Why a change was refused. */
export type PreferenceRefusal = "unknown_key" | "invalid_value" | "managed" | "fail_closed";

/** The verdict on a change: what to store, or why not (with a message to show). */
export type PreferenceChange =
  | { ok: true; key: SettingKey; /** `undefined` removes the preference. */ value: unknown }
  | { ok: false; reason: PreferenceRefusal; message: string };

/**
 * Decides whether `key` may be set to `value` (or, with `undefined`,
 * removed) as a local preference under `policy`. A managed key cannot be
 * changed locally, nor can a key held at its most private value while the
 * managed file is invalid.
 */
export function checkPreferenceChange(
  policy: Policy,
  key: string,
  value: unknown,
): PreferenceChange {
  if (!isSettingKey(key)) {
    return {
      ok: false,
      reason: "unknown_key",
      message: `Unknown setting "${key}"; \`vitrine config keys\` lists every setting`,
    };
  }
  const source = policy.source(key);
  if (source === "managed") {
    return {
      ok: false,
      reason: "managed",
      message:
        `Setting "${key}" is managed by "${policy.managedFile}" and cannot be changed locally`,
    };
  }
  if (source === "fail_closed") {
    return {
      ok: false,
      reason: "fail_closed",
      message:
        `Setting "${key}" is held at its most private value until "${policy.managedFile}" is fixed`,
    };
  }
  if (value !== undefined) {
    const problem = checkSetting(key, value);
    if (problem) return { ok: false, reason: "invalid_value", message: problem.message };
  }
  return { ok: true, key, value };
}
