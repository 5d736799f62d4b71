/**
 * Checks a settings document against {@link ./settings_spec.ts}.
 *
 * @module
 */
import { SETTINGS, type SettingSpec, settingSpec, type SettingType } from "./settings_spec.ts";

/** One thing wrong with a settings document. */
export interface SettingProblem {
  /** Dotted key, or "" for the document itself. */
  key: string;
  /** The offending value as JSON (truncated), or undefined. */
  value?: string;
  expected: string;
  message: string;
}

const GROUPS = new Set<string>(
  SETTINGS.flatMap((spec) => {
    const parts = spec.key.split(".");
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("."));
  }),
);

function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const EXCLUSION_TYPES: Record<string, readonly string[]> = {
  excludedPath: ["path", "isDirectory"],
  excludedFileExtension: ["extension"],
  excludedFileName: ["name"],
};

/** What a value of `type` looks like, in words. */
export function describeType(type: SettingType): string {
  switch (type.kind) {
    case "boolean":
      return "true or false";
    case "integer":
      return `an integer from ${type.min} to ${type.max}${type.unit ? ` (${type.unit})` : ""}`;
    case "enum":
      return `one of ${type.values.map((v) => `"${v}"`).join(", ")}`;
    case "string":
      return `a string such as "${type.example}"${type.nullable ? ", or null" : ""}`;
    case "strings":
      return `an array of at most ${type.max} absolute paths`;
    case "exclusions":
      return 'an array of {"$type": "excludedPath", "path": "/abs", "isDirectory": true}, {"$type": "excludedFileExtension", "extension": ".log"} or {"$type": "excludedFileName", "name": "file"}';
    case "tags":
      return 'an array of {"key": "GROUP", "value": "text"}';
    case "threat_types":
      return 'an array of {"key": "potentially_unwanted_application" or "archive_bomb", "value": "audit", "block" or "off"}';
    case "features":
      return 'an object mapping feature names to "enabled" or "disabled"';
  }
}

/** Why `value` does not fit `type`, or null when it does. */
function misfit(type: SettingType, value: unknown): string | null {
  switch (type.kind) {
    case "boolean":
      return typeof value === "boolean" ? null : "not a boolean";
    case "integer":
      if (!Number.isInteger(value)) return "not an integer";
      return (value as number) < type.min || (value as number) > type.max ? "out of range" : null;
    case "enum":
      return typeof value === "string" && type.values.includes(value)
        ? null
        : "not an allowed value";
    case "string":
      if (value === null) return type.nullable ? null : "null is not allowed";
      if (typeof value !== "string") return "not a string";
      if (value.length === 0 || value.length > 1024) return "empty or too long";
      if (type.pattern && !type.pattern.test(value)) return type.shape ?? "badly formed";
      return type.refine?.(value) ?? null;
    case "strings":
      if (!Array.isArray(value)) return "not an array";
      if (value.length > type.max) return "too many entries";
      return value.every((item) =>
          typeof item === "string" && item.startsWith("/") &&
          item.length <= 4096
        )
        ? null
        : "an entry is not an absolute path";
    case "exclusions":
      if (!Array.isArray(value)) return "not an array";
      if (value.length > 1000) return "too many entries";
      for (const item of value) {
        if (!isObject(item)) return "an entry is not an object";
        const type = item["$type"];
        const members = typeof type === "string" ? EXCLUSION_TYPES[type] : undefined;
        if (!members) return `an entry has an unknown $type ${shown(type)}`;
        for (const key of Object.keys(item)) {
          if (key !== "$type" && !members.includes(key)) {
            return `an entry of $type "${type}" has an unknown key "${key}"`;
          }
        }
        if (type === "excludedPath") {
          if (typeof item.path !== "string" || !item.path.startsWith("/")) {
            return "an excludedPath entry has no absolute path";
          }
          if (
            item.isDirectory !== undefined &&
            typeof item.isDirectory !== "boolean"
          ) {
            return "isDirectory is not a boolean";
          }
        } else if (type === "excludedFileExtension") {
          if (
            typeof item.extension !== "string" ||
            !/^\.?[^/\s]{1,32}$/.test(item.extension)
          ) {
            return 'an extension is not like ".log"';
          }
        } else if (
          typeof item.name !== "string" || item.name.includes("/") ||
          item.name === ""
        ) {
          return "a name is empty or holds a slash";
        }
      }
      return null;
    case "tags":
      if (!Array.isArray(value)) return "not an array";
      return value.every((item) =>
          isObject(item) && Object.keys(item).every((k) => k === "key" || k === "value") &&
          typeof item.key === "string" && /^[A-Z_]{1,32}$/.test(item.key) &&
          typeof item.value === "string" && item.value.length <= 256
        )
        ? null
        : "an entry is not a {key, value} pair with an upper-case key";
    case "threat_types":
      if (!Array.isArray(value)) return "not an array";
      return value.every((item) =>
          isObject(item) && Object.keys(item).every((k) => k === "key" || k === "value") &&
          ["potentially_unwanted_application", "archive_bomb"].includes(
            item.key as string,
          ) &&
          ["audit", "block", "off"].includes(item.value as string)
        )
        ? null
        : "an entry has an unknown threat type or action";
    case "features":
      if (!isObject(value)) return "not an object";
      return Object.entries(value).every(([name, state]) =>
          /^[a-z][a-zA-Z0-9_]{0,63}$/.test(name) &&
          (state === "enabled" || state === "disabled")
        )
        ? null
        : "a feature name is badly formed or its state is not enabled/disabled";
  }
}

/** Checks one value for one key; returns the problem or null. */
export function checkSetting(
  key: string,
  value: unknown,
): SettingProblem | null {
  const spec: SettingSpec | undefined = settingSpec(key);
  if (spec === undefined) {
    return {
      key,
      expected: "a known setting",
      message: `Unknown setting "${key}"`,
    };
  }
  const why = misfit(spec.type, value);
  if (why === null) return null;
  const expected = describeType(spec.type);
  return {
    key,
    value: shown(value),
    expected,
    message: `Setting "${key}" is ${shown(value)}: ${why}; expected ${expected}`,
  };
}

/** The valid values of a settings document, and every problem found. */
export interface SettingsCheck {
  values: Map<string, unknown>;
  problems: SettingProblem[];
}

/** Checks a parsed settings document (nested objects, camelCase keys). */
export function validateSettings(document: unknown): SettingsCheck {
  const result: SettingsCheck = { values: new Map(), problems: [] };
  if (!isObject(document)) {
    result.problems.push({
      key: "",
      value: shown(document),
      expected: "a JSON object",
      message: `The document is ${shown(document)}, not a JSON object`,
    });
    return result;
  }
  // Where each key was set, to refuse a key written twice (flat and nested).
  const writtenAs = new Map<string, string>();
  const walk = (object: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(object)) {
      const key = prefix ? `${prefix}.${name}` : name;
      const spelling = prefix ? `"${name}" inside "${prefix}"` : `"${name}"`;
      if (settingSpec(key) !== undefined) {
        const earlier = writtenAs.get(key);
        writtenAs.set(key, spelling);
        if (earlier !== undefined) {
          result.values.delete(key);
          result.problems.push({
            key,
            value: shown(value),
            expected: "each setting written once",
            message:
              `Setting "${key}" is set twice, as ${earlier} and as ${spelling}; which one applies would be a guess`,
          });
          continue;
        }
        const problem = checkSetting(key, value);
        if (problem) result.problems.push(problem);
        else result.values.set(key, value);
      } else if (GROUPS.has(key)) {
        if (isObject(value)) walk(value, key);
        else {
          result.problems.push({
            key,
            value: shown(value),
            expected: "an object",
            message: `"${key}" is ${shown(value)}, not an object of settings`,
          });
        }
      } else {
        result.problems.push({
          key,
          value: shown(value),
          expected: "a known setting",
          message: `Unknown setting "${key}"`,
        });
      }
    }
  };
  walk(document, "");
  return result;
}
