/**
 * Checks an event's fields against the catalogue.
 *
 * @module
 */
import { commonField, eventSpec, keySpec } from "./key_spec.ts";
import type { FieldSpec } from "./types.ts";

/** Field values as events carry them: flat keys named as in the catalogue. */
export type Fields = Record<string, unknown>;

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
 * Lists what is wrong with `fields` for an event of type `type`: unknown
 * event types, unknown keys and values of the wrong type. Empty when valid.
 */
export function eventProblems(type: string, fields: Fields): string[] {
  if (eventSpec(type) === undefined) return [`Unknown event type "${type}"`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const spec = keySpec(type, key);
    if (spec === undefined) {
      problems.push(`Field "${key}" is not in the catalogue for "${type}"`);
    } else if (spec.kind === "field") {
      const problem = typeProblem(`Field "${key}"`, spec.spec, value);
      if (problem) problems.push(problem);
    } else if (!Array.isArray(value)) {
      problems.push(`Field "${key}" should be an array of objects`);
    } else {
      value.forEach((item, position) => {
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
          problems.push(`Field "${key}[${position}]" should be an object`);
          return;
        }
        for (const [member, memberValue] of Object.entries(item)) {
          const memberSpec = spec.members.get(member);
          const where = `Field "${key}[${position}].${member}"`;
          if (memberSpec === undefined) {
            problems.push(`${where} is not in the catalogue for "${type}"`);
          } else {
            const problem = typeProblem(where, memberSpec, memberValue);
            if (problem) problems.push(problem);
          }
        }
      });
    }
  }
  return problems;
}

/** Throws a TypeError naming every problem of an event's fields. */
export function validateEvent(type: string, fields: Fields): void {
  const problems = eventProblems(type, fields);
  if (problems.length > 0) {
    throw new TypeError(`Invalid "${type}" event: ${problems.join("; ")}`);
  }
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
