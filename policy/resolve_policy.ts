/**
 * Combines defaults, local preferences and the managed file into the
 * policy in effect.
 *
 * @module
 */
import { type ManagedState, Policy, type PolicyProblem, type SettingSource } from "./policy.ts";
import { type SettingKey, SETTINGS, type Settings } from "./settings_spec.ts";
import { validateSettings } from "./validate_settings.ts";

/** What reading the managed file found. */
export interface ManagedFileReading {
  state: ManagedState;
  /** The valid values it sets, by key. */
  values: Map<string, unknown>;
  problems: PolicyProblem[];
}

/** The largest managed file read; a larger one is refused. */
export const MAX_MANAGED_BYTES = 1024 * 1024;

// Keys pinned to their most private value while the managed file is bad.
const FAIL_CLOSED: ReadonlyMap<SettingKey, unknown> = new Map<SettingKey, unknown>([
  ["cloudService.diagnosticLevel", "required"],
  ["cloudService.automaticSampleSubmissionConsent", "none"],
  ["cloudService.enabled", false],
]);

/** Reads and checks the managed file; absent is not a problem. */
export async function readManagedFile(
  path: string,
): Promise<ManagedFileReading> {
  const problem = (message: string, expected: string): PolicyProblem => ({
    file: path,
    key: "",
    expected,
    message: `Managed file "${path}": ${message}`,
  });
  let text: string;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) {
      return {
        state: "invalid",
        values: new Map(),
        problems: [problem("is not a regular file", "a JSON file")],
      };
    }
    if (info.size > MAX_MANAGED_BYTES) {
      return {
        state: "invalid",
        values: new Map(),
        problems: [
          problem(
            `is ${info.size} bytes, more than the ${MAX_MANAGED_BYTES} allowed`,
            "a file under 1 MiB",
          ),
        ],
      };
    }
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { state: "absent", values: new Map(), problems: [] };
    }
    return {
      state: "invalid",
      values: new Map(),
      problems: [
        problem(
          `cannot be read (${(error as Error).message})`,
          "a file readable by the agent",
        ),
      ],
    };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return {
      state: "invalid",
      values: new Map(),
      problems: [
        problem(
          `is not valid JSON (${(error as Error).message})`,
          "a JSON object",
        ),
      ],
    };
  }
  const check = validateSettings(document);
  const problems = check.problems.map((p) => ({
    ...p,
    file: path,
    message: `Managed file "${path}": ${p.message}`,
  }));
  return {
    state: problems.length > 0 ? "invalid" : "valid",
    values: check.values,
    problems,
  };
}

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
    problems: managed.problems,
  });
}
