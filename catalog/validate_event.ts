/**
 * Checks an event's fields against the catalogue, and splits them by tier
 * in the same pass.
 *
 * @module
 */
import { commonField, eventSpec, keySpec } from "./key_spec.ts";
import type { FieldSpec, Tier } from "./types.ts";

/** Field values as events carry them: flat keys named as in the catalogue. */
export type Fields = Record<string, unknown>;

/** An event's fields, one part per tier; a tier with nothing is absent. */
export type TierParts = Partial<Record<Tier, Fields>>;

/** Whether `value` is of the type `spec` declares (null where it allows null). */
function fits(spec: FieldSpec, value: unknown): boolean {
  if (value === null) return Boolean(spec.nullable);
  switch (spec.type) {
    case "string":
      return typeof value === "string" && (!spec.values || spec.values.includes(value));
    case "integer":
      return Number.isSafeInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
    case "object":
      return typeof value === "object" && !Array.isArray(value);
  }
}

/** What is wrong with `value` at `where`, or null. Checked without allocating: every field of every tick goes through it. */
function typeProblem(where: string, spec: FieldSpec, value: unknown): string | null {
  if (fits(spec, value)) return null;
  if (value === null) return `${where} is null but the catalogue does not allow null`;
  const expected = spec.type === "string" && spec.values
    ? `one of ${spec.values.map((v) => `"${v}"`).join(", ")}`
    : EXPECTED[spec.type];
  return `${where} should be ${expected} but is ${JSON.stringify(value)}`;
}

const EXPECTED: Record<FieldSpec["type"], string> = {
  string: "a string",
  integer: "an integer",
  number: "a finite number",
  boolean: "a boolean",
  "string[]": "an array of strings",
  object: "an object",
};

function hasAny(fields: Fields): boolean {
  for (const _key in fields) return true;
  return false;
}

/**
 * Walks `fields` of an event of type `type` once: each value the catalogue
 * knows goes into the part of its tier (array groups item by item), each
 * problem into `problems`.
 */
function walk(type: string, fields: Fields, problems: string[] | null): TierParts {
  const parts: TierParts = {};
  // Most fields are plain and of one tier or the other: those go straight in.
  const required: Fields = {};
  const optional: Fields = {};
  for (const key in fields) {
    const value = fields[key];
    const spec = keySpec(type, key);
    if (spec === undefined) {
      problems?.push(`Field "${key}" is not in the catalogue for "${type}"`);
      continue;
    }
    if (spec.kind === "field") {
      const field = spec.spec;
      if (problems && !fits(field, value)) {
        problems.push(typeProblem(`Field "${key}"`, field, value)!);
      }
      if (field.tier === "required") required[key] = value;
      else optional[key] = value;
      continue;
    }
    if (!Array.isArray(value)) {
      problems?.push(`Field "${key}" should be an array of objects`);
      continue;
    }
    const items: Partial<Record<Tier, Fields[]>> = {};
    value.forEach((item, position) => {
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        problems?.push(`Field "${key}[${position}]" should be an object`);
        return;
      }
      const split: Partial<Record<Tier, Fields>> = {};
      for (const [member, memberValue] of Object.entries(item)) {
        const memberSpec = spec.members.get(member);
        const where = `Field "${key}[${position}].${member}"`;
        if (memberSpec === undefined) {
          problems?.push(`${where} is not in the catalogue for "${type}"`);
          continue;
        }
        const problem = problems && typeProblem(where, memberSpec, memberValue);
        if (problem) problems.push(problem);
        (split[memberSpec.tier] ??= {})[member] = memberValue;
      }
      for (const [tier, part] of Object.entries(split) as [Tier, Fields][]) {
        (items[tier] ??= []).push(part);
      }
    });
    for (const [tier, list] of Object.entries(items) as [Tier, Fields[]][]) {
      (tier === "required" ? required : optional)[key] = list;
    }
  }
  // A tier with nothing is absent.
  if (hasAny(required)) parts.required = required;
  if (hasAny(optional)) parts.optional = optional;
  return parts;
}

/**
 * Lists what is wrong with `fields` for an event of type `type`: unknown
 * event types, unknown keys and values of the wrong type. Empty when valid.
 */
export function eventProblems(type: string, fields: Fields): string[] {
  if (eventSpec(type) === undefined) return [`Unknown event type "${type}"`];
  const problems: string[] = [];
  walk(type, fields, problems);
  return problems;
}

/**
 * Splits `fields` of an event of type `type` by the tier of each field.
 * Members of array groups are split item by item. Keys the catalogue does
 * not know are dropped (validation reports them before this is reached).
 */
export function splitByTier(type: string, fields: Fields): TierParts {
  return walk(type, fields, null);
}

/**
 * Checks `fields` and splits them by tier in one pass. Throws a TypeError
 * naming every problem: an event that breaks the catalogue is a bug in its
 * collector, never something to store.
 */
export function validateAndSplit(type: string, fields: Fields): TierParts {
  if (eventSpec(type) === undefined) throw new TypeError(`Unknown event type "${type}"`);
  const problems: string[] = [];
  const parts = walk(type, fields, problems);
  if (problems.length > 0) {
    throw new TypeError(`Invalid "${type}" event: ${problems.join("; ")}`);
  }
  return parts;
}

/** Throws a TypeError naming every problem of an event's fields. */
export function validateEvent(type: string, fields: Fields): void {
  validateAndSplit(type, fields);
}

/** Lists what is wrong with a set of common fields. */
export function commonProblems(common: Fields): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(common)) {
    const spec = commonField(key);
    if (spec === undefined) {
      problems.push(`Common field "${key}" is not in the catalogue`);
    } else {
      const problem = typeProblem(`Common field "${key}"`, spec, value);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}
