/**
 * Checks a settings document against {@link ./settings_spec.ts}: each
 * setting's value through ajv with the schema generated from the table
 * (settings_schema.ts), then what a pattern cannot say (a port in range, a
 * listen address), and the document's shape (known keys, each set once).
 *
 * @module
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { schemaOf } from "./settings_schema.ts";
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

const ajv = new Ajv({ allErrors: false, strict: false, discriminator: true });

/** The compiled schema of each setting, made at its first use. */
const validators = new Map<string, ValidateFunction>();

function validatorOf(spec: SettingSpec): ValidateFunction {
  let validate = validators.get(spec.key);
  if (!validate) {
    validate = ajv.compile(schemaOf(spec.type));
    validators.set(spec.key, validate);
  }
  return validate;
}

/** What a member of an entry that breaks its pattern lacks, by the member's name. */
const ENTRY_PATTERN_WORDS: Record<string, string> = {
  path: "an excludedPath entry has no absolute path",
  extension: 'an extension is not like ".log"',
  name: "a name is empty or holds a slash",
  key: "an entry is not a {key, value} pair with an upper-case key",
};

const TYPE_WORDS: Record<string, string> = {
  boolean: "not a boolean",
  integer: "not an integer",
  number: "not a number",
  string: "not a string",
  array: "not an array",
  object: "not an object",
};

/** What ajv's first complaint about a value of `type` means, in words. */
function ajvWords(type: SettingType, error: ErrorObject, value: unknown): string {
  const entry = error.instancePath !== "";
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      if (type.kind === "string" && value === null) return "null is not allowed";
      return entry
        ? `an entry's ${error.instancePath.split("/").at(-1)} is ${
          TYPE_WORDS[String(params.type)] ?? "of the wrong type"
        }`
        : TYPE_WORDS[String(params.type)] ?? "of the wrong type";
    case "minimum":
    case "maximum":
      return "out of range";
    case "enum":
    case "const":
      if (!entry) return "not an allowed value";
      return type.kind === "threat_types"
        ? "an entry has an unknown threat type or action"
        : type.kind === "features"
        ? "a feature's state is not enabled or disabled"
        : "an entry has a value that is not allowed";
    case "minLength":
    case "maxLength":
      return entry ? "an entry is empty or too long" : "empty or too long";
    case "pattern":
      if (!entry) return type.kind === "string" ? type.shape ?? "badly formed" : "badly formed";
      return ENTRY_PATTERN_WORDS[error.instancePath.split("/").at(-1) ?? ""] ??
        (type.kind === "strings" ? "an entry is not an absolute path" : "an entry is badly formed");
    case "maxItems":
      return "too many entries";
    case "discriminator":
      return `an entry has an unknown $type ${
        shown(
          (value as Record<string, unknown>[])[Number(error.instancePath.split("/")[1])]?.["$type"],
        )
      }`;
    case "additionalProperties":
      return `an entry has an unknown key "${params.additionalProperty}"`;
    case "required":
      return `an entry has no "${params.missingProperty}"`;
    case "propertyNames":
      return "a feature name is badly formed";
    default:
      return `does not fit (${error.message ?? error.keyword})`;
  }
}

/** Why `value` does not fit the setting `spec`, or null when it does. */
function misfit(spec: SettingSpec, value: unknown): string | null {
  const validate = validatorOf(spec);
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    // Of a nullable string's two branches, the string's complaint is the one that helps.
    const error = errors.find((e) =>
      !/anyOf|oneOf/.test(e.keyword) && !e.schemaPath.startsWith("#/anyOf/0")
    ) ??
      errors[0];
    return error ? ajvWords(spec.type, error, value) : "does not fit";
  }
  return spec.type.kind === "string" && typeof value === "string"
    ? spec.type.refine?.(value) ?? null
    : null;
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
  const why = misfit(spec, value);
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
