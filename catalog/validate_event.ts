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

function typeProblem(
  where: string,
  spec: FieldSpec,
  value: unknown,
): string | null {
  if (value === null) {
    return spec.nullable ? null : `${where} is null but the catalogue does not allow null`;
  }
  const fail = (expected: string) =>
    `${where} should be ${expected} but is ${JSON.stringify(value)}`;
  switch (spec.type) {
    case "string":
      if (typeof value !== "string") return fail("a string");
      if (spec.values && !spec.values.includes(value)) {
        return fail(`one of ${spec.values.map((v) => `"${v}"`).join(", ")}`);
      }
      return null;
    case "integer":
      return Number.isSafeInteger(value) ? null : fail("an integer");
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : fail("a finite number");
    case "boolean":
      return typeof value === "boolean" ? null : fail("a boolean");
    case "string[]":
      return Array.isArray(value) &&
          value.every((item) => typeof item === "string")
        ? null
        : fail("an array of strings");
    case "object":
      return typeof value === "object" && !Array.isArray(value) ? null : fail("an object");
  }
}

/**
 * Walks `fields` of an event of type `type` once: each value the catalogue
 * knows goes into the part of its tier (array groups item by item), each
 * problem into `problems`.
 */
function walk(type: string, fields: Fields, problems: string[] | null): TierParts {
  const parts: TierParts = {};
  const put = (tier: Tier, key: string, value: unknown) => {
    (parts[tier] ??= {})[key] = value;
  };
  for (const key in fields) {
    const value = fields[key];
    const spec = keySpec(type, key);
    if (spec === undefined) {
      problems?.push(`Field "${key}" is not in the catalogue for "${type}"`);
      continue;
    }
    if (spec.kind === "field") {
      const problem = problems && typeProblem(`Field "${key}"`, spec.spec, value);
      if (problem) problems.push(problem);
      put(spec.spec.tier, key, value);
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
    for (const [tier, list] of Object.entries(items) as [Tier, Fields[]][]) put(tier, key, list);
  }
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
