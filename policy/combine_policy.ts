/**
 * The policy in effect from its sources: the managed file over local
 * preferences over the defaults, or, while the managed file is bad, the
 * most private values of the keys that decide what leaves and is kept.
 *
 * @module
 */
import { Policy, type SettingSource } from "./policy.ts";
import type { ManagedFileReading } from "./read_managed_file.ts";
import { type SettingKey, SETTINGS, type Settings } from "./settings_spec.ts";

// Keys pinned to their most private value while the managed file is bad.
const FAIL_CLOSED: ReadonlyMap<SettingKey, unknown> = new Map<SettingKey, unknown>([
  ["cloudService.diagnosticLevel", "required"],
  ["cloudService.automaticSampleSubmissionConsent", "none"],
  ["cloudService.enabled", false],
]);

/** Merges the sources: managed over local over default, or fail closed. */
export function combinePolicy(
  managedFile: string,
  managed: ManagedFileReading,
  local: ReadonlyMap<string, unknown>,
): Policy {
  const values: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  const useManaged = managed.state === "valid";
  for (const spec of SETTINGS) {
    const pinned = FAIL_CLOSED.get(spec.key);
    if (managed.state === "invalid" && pinned !== undefined) {
      values[spec.key] = pinned;
      sources[spec.key] = "fail_closed";
    } else if (useManaged && managed.values.has(spec.key)) {
      values[spec.key] = managed.values.get(spec.key);
      sources[spec.key] = "managed";
    } else if (local.has(spec.key)) {
      values[spec.key] = local.get(spec.key);
      sources[spec.key] = "local";
    } else {
      values[spec.key] = structuredClone(spec.default);
      sources[spec.key] = "default";
    }
  }
  // Exclusions add up across sources unless the admin says otherwise.
  const key: SettingKey = "antivirusEngine.exclusions";
  if (
    sources[key] === "managed" && local.has(key) &&
    values["antivirusEngine.exclusionsMergePolicy"] !== "admin_only"
  ) {
    values[key] = [...(values[key] as unknown[]), ...(local.get(key) as unknown[])];
  }
  // Every value was checked against its spec (or is the spec's default).
  return new Policy({
    values: values as unknown as Settings,
    sources: sources as Record<SettingKey, SettingSource>,
    managedFile,
    managedState: managed.state,
    managedStamp: managed.stamp ?? null,
    problems: managed.problems,
  });
}
