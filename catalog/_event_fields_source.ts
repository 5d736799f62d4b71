/**
 * The TypeScript source of catalog/event_fields.ts, written from the
 * catalogue (`deno task schema` writes it; a test keeps it current): the
 * fields of each event type with the type of their values, so that a
 * collector naming a field the catalogue does not know fails `deno check`.
 *
 * @module
 */
import { CATALOG } from "./catalog.ts";
import type { FieldSpec } from "./types.ts";

const VALUE_TYPES: Record<FieldSpec["type"], string> = {
  string: "string",
  integer: "number",
  number: "number",
  boolean: "boolean",
  "string[]": "readonly string[]",
  object: "Readonly<Record<string, unknown>>",
};

function valueType(field: FieldSpec): string {
  const base = field.type === "string" && field.values
    ? field.values.map((v) => JSON.stringify(v)).join(" | ")
    : VALUE_TYPES[field.type];
  return field.nullable ? `${base} | null` : base;
}

/** The members of one event's fields type, one line each. */
function members(fields: readonly FieldSpec[]): string[] {
  const lines: string[] = [];
  const groups = new Map<string, string[]>();
  for (const field of fields) {
    const group = field.name.indexOf("[].");
    const family = field.name.indexOf(".[");
    if (group > 0) {
      const array = field.name.slice(0, group);
      const member = field.name.slice(group + 3);
      if (!groups.has(array)) groups.set(array, []);
      groups.get(array)!.push(`${JSON.stringify(member)}?: ${valueType(field)}`);
    } else if (family > 0) {
      const prefix = field.name.slice(0, family + 1);
      lines.push(`[key: \`${prefix}\${string}\`]: ${valueType(field)};`);
    } else {
      lines.push(`${JSON.stringify(field.name)}?: ${valueType(field)};`);
    }
  }
  for (const [array, inner] of groups) {
    lines.push(`${JSON.stringify(array)}?: readonly { ${inner.join("; ")} }[];`);
  }
  return lines;
}

/** The source text of catalog/event_fields.ts. */
export function eventFieldsSource(): string {
  const events = CATALOG.events.map((event) =>
    [
      `  ${JSON.stringify(event.type)}: {`,
      ...members(event.fields).map((line) => `    ${line}`),
      "  };",
    ].join("\n")
  );
  return [
    "// Written by `deno task schema` from the catalogue: do not edit by hand.",
    "/**",
    " * The fields of each event type as the catalogue declares them, with the",
    " * type of their values: what a collector may put in an event.",
    " *",
    " * @module",
    " */",
    "",
    "/** The fields of each event type. */",
    "export interface EventFields {",
    ...events,
    "}",
    "",
  ].join("\n");
}
