/**
 * Combines defaults, local preferences and the managed file into the
 * policy in effect.
 *
 * @module
 */
import type { Tier } from "../catalog/types.ts";
import { SETTINGS } from "./settings_spec.ts";
import { type SettingProblem, validateSettings } from "./validate_settings.ts";

/** Where the value of a setting comes from. */
export type SettingSource = "default" | "local" | "managed" | "fail_closed";

/** A problem of the managed file, with the file named. */
export interface PolicyProblem extends SettingProblem {
  file: string;
}

/** The policy in effect. */
export interface Policy {
  /** Flat dotted keys to values. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly sources: Readonly<Record<string, SettingSource>>;
  readonly managedFile: string;
  /** `invalid` means the agent fails closed until the file is fixed. */
  readonly managedState: "absent" | "valid" | "invalid";
  readonly problems: readonly PolicyProblem[];
  /** The diagnostic level in effect. */
  readonly level: Tier;
}

/** The largest managed file read; a larger one is refused. */
export const MAX_MANAGED_BYTES = 1024 * 1024;

// Keys pinned to their most private value while the managed file is bad.
const FAIL_CLOSED: Readonly<Record<string, unknown>> = {
  "cloudService.diagnosticLevel": "required",
  "cloudService.automaticSampleSubmissionConsent": "none",
  "cloudService.enabled": false,
};

/** Reads and checks the managed file; absent is not a problem. */
export async function readManagedFile(
  path: string,
): Promise<
  {
    state: Policy["managedState"];
    values: Map<string, unknown>;
    problems: PolicyProblem[];
  }
> {
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
  managed: Awaited<ReturnType<typeof readManagedFile>>,
  local: ReadonlyMap<string, unknown>,
): Policy {
  const settings: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  const useManaged = managed.state === "valid";
  for (const spec of SETTINGS) {
    if (managed.state === "invalid" && spec.key in FAIL_CLOSED) {
      settings[spec.key] = FAIL_CLOSED[spec.key];
      sources[spec.key] = "fail_closed";
    } else if (useManaged && managed.values.has(spec.key)) {
      settings[spec.key] = managed.values.get(spec.key);
      sources[spec.key] = "managed";
    } else if (local.has(spec.key)) {
      settings[spec.key] = local.get(spec.key);
      sources[spec.key] = "local";
    } else {
      settings[spec.key] = structuredClone(spec.default);
      sources[spec.key] = "default";
    }
  }
  // Exclusions add up across sources unless the admin says otherwise.
  const key = "antivirusEngine.exclusions";
  if (
    sources[key] === "managed" && local.has(key) &&
    settings["antivirusEngine.exclusionsMergePolicy"] !== "admin_only"
  ) {
    settings[key] = [
      ...(settings[key] as unknown[]),
      ...(local.get(key) as unknown[]),
    ];
  }
  return {
    settings,
    sources,
    managedFile,
    managedState: managed.state,
    problems: managed.problems,
    level: settings["cloudService.diagnosticLevel"] === "optional" ? "optional" : "required",
  };
}

/** The tiers the policy lets through a boundary. */
export function allowedTiers(
  policy: Policy,
  boundary: "collect" | "store" | "show" | "export" | "send",
): Tier[] {
  if (boundary === "send" && policy.settings["cloudService.enabled"] !== true) {
    return [];
  }
  return policy.level === "optional" ? ["required", "optional"] : ["required"];
}
