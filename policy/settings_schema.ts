/**
 * The JSON Schema of each setting, generated from the settings table (the
 * one description of every setting), and of a whole settings document:
 * validation runs it through ajv, as the export's schemas are, and
 * `deno task schema` publishes it for administrators' editors.
 *
 * @module
 */
import { SETTINGS, type SettingType } from "./settings_spec.ts";

/** A JSON Schema (draft-07, as ajv takes it by default). */
export type JsonSchema = Record<string, unknown>;

/** The longest string a setting holds. */
export const MAX_STRING = 1024;

const ABSOLUTE_PATH: JsonSchema = { type: "string", pattern: "^/", maxLength: 4096 };

/** The kinds of exclusions, each with the members it takes. */
const EXCLUSIONS: JsonSchema = {
  type: "array",
  maxItems: 1000,
  items: {
    type: "object",
    required: ["$type"],
    discriminator: { propertyName: "$type" },
    oneOf: [
      {
        properties: {
          $type: { const: "excludedPath" },
          path: ABSOLUTE_PATH,
          isDirectory: { type: "boolean" },
        },
        required: ["path"],
        additionalProperties: false,
      },
      {
        properties: {
          $type: { const: "excludedFileExtension" },
          extension: { type: "string", pattern: "^\\.?[^/\\s]{1,32}$" },
        },
        required: ["extension"],
        additionalProperties: false,
      },
      {
        properties: {
          $type: { const: "excludedFileName" },
          name: { type: "string", pattern: "^[^/]+$" },
        },
        required: ["name"],
        additionalProperties: false,
      },
    ],
  },
};

function keyValues(key: JsonSchema, value: JsonSchema): JsonSchema {
  return {
    type: "array",
    items: {
      type: "object",
      properties: { key, value },
      required: ["key", "value"],
      additionalProperties: false,
    },
  };
}

/** The schema of a value of `type` (a string's `refine` is checked after it, in code). */
export function schemaOf(type: SettingType): JsonSchema {
  switch (type.kind) {
    case "boolean":
      return { type: "boolean" };
    case "integer":
      return { type: "integer", minimum: type.min, maximum: type.max };
    case "enum":
      return { type: "string", enum: [...type.values] };
    case "string": {
      const text: JsonSchema = {
        type: "string",
        minLength: 1,
        maxLength: MAX_STRING,
        ...(type.pattern ? { pattern: type.pattern.source } : {}),
      };
      return type.nullable ? { anyOf: [{ type: "null" }, text] } : text;
    }
    case "strings":
      return { type: "array", maxItems: type.max, items: ABSOLUTE_PATH };
    case "exclusions":
      return EXCLUSIONS;
    case "tags":
      return keyValues(
        { type: "string", pattern: "^[A-Z_]{1,32}$" },
        { type: "string", maxLength: 256 },
      );
    case "threat_types":
      return keyValues(
        { enum: ["potentially_unwanted_application", "archive_bomb"] },
        { enum: ["audit", "block", "off"] },
      );
    case "features":
      return {
        type: "object",
        propertyNames: { pattern: "^[a-z][a-zA-Z0-9_]{0,63}$" },
        additionalProperties: { enum: ["enabled", "disabled"] },
      };
  }
}

/**
 * The schema of a whole managed file or preferences document: nested
 * objects by the dotted keys, every setting with its schema, nothing else.
 */
export function settingsDocumentSchema(): JsonSchema {
  const root: JsonSchema = { type: "object", properties: {}, additionalProperties: false };
  for (const spec of SETTINGS) {
    const parts = spec.key.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const properties = node.properties as Record<string, JsonSchema>;
      properties[part] ??= { type: "object", properties: {}, additionalProperties: false };
      node = properties[part]!;
    }
    (node.properties as Record<string, JsonSchema>)[parts.at(-1)!] = {
      description: spec.meaning,
      default: spec.default,
      ...schemaOf(spec.type),
    };
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://vitrine.invalid/schema/settings.schema.json",
    title: "vitrine managed policy",
    ...root,
  };
}
