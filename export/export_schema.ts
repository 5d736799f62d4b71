/**
 * JSON Schemas of the export formats, derived from the catalogue.
 *
 * @module
 */
import { CATALOG } from "../catalog/catalog.ts";
import type { FieldSpec, Tier } from "../catalog/types.ts";

type Schema = Record<string, unknown>;

function valueSchema(field: FieldSpec): Schema {
  const base: Schema = (() => {
    switch (field.type) {
      case "string":
        return field.values ? { type: "string", enum: [...field.values] } : { type: "string" };
      case "integer":
        return { type: "integer" };
      case "number":
        return { type: "number" };
      case "boolean":
        return { type: "boolean" };
      case "string[]":
        return { type: "array", items: { type: "string" } };
      case "object":
        return { type: "object" };
    }
  })();
  if (!field.nullable) return { ...base, description: field.description };
  const withNull = base.enum
    ? { ...base, type: ["string", "null"], enum: [...(base.enum as string[]), null] }
    : { ...base, type: [base.type as string, "null"] };
  return { ...withNull, description: field.description };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function tierSchema(fields: readonly FieldSpec[], tier: Tier): Schema {
  const properties: Schema = {};
  const patternProperties: Schema = {};
  const groups = new Map<string, { properties: Schema }>();
  for (const field of fields) {
    const group = field.name.indexOf("[].");
    const pattern = field.name.indexOf(".[");
    if (group > 0) {
      // A group is stored in the part of its members' tier.
      if (field.tier !== tier) continue;
      const prefix = field.name.slice(0, group);
      const entry = groups.get(prefix) ?? { properties: {} };
      entry.properties[field.name.slice(group + 3)] = valueSchema(field);
      groups.set(prefix, entry);
    } else if (field.tier !== tier) continue;
    else if (pattern > 0) {
      patternProperties[`^${escapeRegExp(field.name.slice(0, pattern + 1))}.+$`] = valueSchema(
        field,
      );
    } else properties[field.name] = valueSchema(field);
  }
  for (const [prefix, entry] of groups) {
    properties[prefix] = {
      type: "array",
      items: { type: "object", properties: entry.properties, additionalProperties: false },
    };
  }
  return { type: "object", properties, patternProperties, additionalProperties: false };
}

function eventSchema(): Schema {
  const common: Schema = {};
  for (const field of CATALOG.common) common[field.name] = valueSchema(field);
  return {
    type: "object",
    required: ["id", "type", "time", "common", "fields"],
    additionalProperties: false,
    properties: {
      id: { type: "integer", minimum: 1 },
      type: { enum: CATALOG.events.map((e) => e.type) },
      time: { type: "integer", description: "Unix epoch milliseconds" },
      common: {
        type: "object",
        properties: common,
        required: CATALOG.common.map((f) => f.name),
        additionalProperties: false,
      },
      fields: { type: "object" },
    },
    allOf: CATALOG.events.map((event) => ({
      if: { properties: { type: { const: event.type } } },
      then: {
        properties: {
          fields: {
            type: "object",
            additionalProperties: false,
            minProperties: 1,
            properties: {
              required: tierSchema(event.fields, "required"),
              optional: tierSchema(event.fields, "optional"),
            },
          },
        },
      },
    })),
  };
}

const MANIFEST: Schema = {
  type: "object",
  required: [
    "export_schema_version",
    "vitrine_version",
    "catalog_version",
    "catalog_sha256",
    "exported_at",
    "identity",
    "diagnostic_level",
    "tiers_exported",
    "policy",
    "filter",
    "counts",
  ],
  additionalProperties: false,
  properties: {
    export_schema_version: { const: 1 },
    vitrine_version: { type: "string" },
    catalog_version: { type: "string" },
    catalog_sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
    exported_at: {
      type: "string",
      pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$",
    },
    identity: { type: "object" },
    diagnostic_level: { enum: ["required", "optional"] },
    tiers_exported: { type: "array", items: { enum: ["required", "optional"] }, uniqueItems: true },
    policy: {
      type: "object",
      required: ["managed_file", "managed_state", "settings"],
      properties: {
        managed_file: { type: "string" },
        managed_state: { enum: ["absent", "valid", "invalid"] },
        settings: {
          type: "object",
          additionalProperties: {
            type: "object",
            required: ["value", "source"],
            properties: { source: { enum: ["default", "local", "managed", "fail_closed"] } },
          },
        },
      },
    },
    filter: {
      type: "object",
      required: ["tier", "type", "since", "until"],
      properties: {
        tier: { enum: ["required", "optional", null] },
        type: { type: ["string", "null"] },
        since: { type: ["string", "null"] },
        until: { type: ["string", "null"] },
      },
    },
    counts: {
      type: "object",
      required: ["total", "by_type"],
      properties: { total: { type: "integer", minimum: 0 }, by_type: { type: "object" } },
    },
  },
};

const EVENT_RECORD: Schema = {
  type: "object",
  required: ["seq", "hash", "event"],
  properties: {
    seq: { type: "integer", minimum: 1 },
    hash: { type: "string", pattern: "^[0-9a-f]{64}$" },
    event: { $ref: "#/definitions/event" },
  },
};

const TRAILER: Schema = {
  type: "object",
  required: ["count", "manifest_sha256", "chain_head"],
  additionalProperties: false,
  properties: {
    count: { type: "integer", minimum: 0 },
    manifest_sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
    chain_head: { type: "string", pattern: "^[0-9a-f]{64}$" },
  },
};

/** The schema of one line of an NDJSON export. */
export function ndjsonRecordSchema(): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://vitrine.invalid/schema/export-record.schema.json",
    title: `vitrine export record (NDJSON line), catalogue ${CATALOG.version}`,
    definitions: { event: eventSchema(), manifest: MANIFEST, trailer: TRAILER },
    oneOf: [
      {
        type: "object",
        required: ["record", "manifest"],
        additionalProperties: false,
        properties: { record: { const: "manifest" }, manifest: { $ref: "#/definitions/manifest" } },
      },
      {
        type: "object",
        required: ["record", "seq", "hash", "event"],
        additionalProperties: false,
        properties: { record: { const: "event" }, ...EVENT_RECORD.properties as Schema },
      },
      {
        type: "object",
        required: ["record", "trailer"],
        additionalProperties: false,
        properties: { record: { const: "trailer" }, trailer: { $ref: "#/definitions/trailer" } },
      },
    ],
  };
}

/** The schema of a JSON (one document) export. */
export function jsonDocumentSchema(): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://vitrine.invalid/schema/export.schema.json",
    title: `vitrine export (JSON document), catalogue ${CATALOG.version}`,
    definitions: {
      event: eventSchema(),
      manifest: MANIFEST,
      trailer: TRAILER,
      record: { ...EVENT_RECORD, additionalProperties: false },
    },
    type: "object",
    required: ["manifest", "events", "trailer"],
    additionalProperties: false,
    properties: {
      manifest: { $ref: "#/definitions/manifest" },
      events: { type: "array", items: { $ref: "#/definitions/record" } },
      trailer: { $ref: "#/definitions/trailer" },
    },
  };
}

/** The schemas by file name, as published under schema/. */
export function publishedSchemas(): Record<string, Schema> {
  return {
    "export.schema.json": jsonDocumentSchema(),
    "export-record.schema.json": ndjsonRecordSchema(),
  };
}
