/**
 * Reads event filters from query parameters (and CLI flags), rejecting
 * bad values with a message that names them.
 *
 * @module
 */
import { eventSpec } from "../catalog/key_spec.ts";
import { type Tier, TIERS } from "../catalog/types.ts";
import { type EventFilter, MAX_PAGE } from "../store/event_queries.ts";
import { InputError } from "./input_error.ts";
import { wholeNumber } from "./whole_number.ts";

/** A filter as the user gave it, before the policy's ceiling is applied. */
export type UserFilter = Omit<EventFilter, "allowed" | "after">;

/** The largest epoch-ms time a date can hold (year 275760). */
export const MAX_TIME = 8.64e15;

/** The longest search text accepted (the dashboard's field says so too). */
export const MAX_SEARCH_LENGTH = 200;

/** Parses a time as ISO 8601 or epoch milliseconds, within what a date can hold. */
export function parseTime(name: string, text: string): number {
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) {
    throw new InputError(
      `The ${name} time "${text}" is not a date; use ISO 8601 (2026-11-22T10:00:00Z) or epoch milliseconds`,
    );
  }
  if (value > MAX_TIME || value < 0) {
    throw new InputError(
      `The ${name} time "${text}" is out of range: times go from 1970 (epoch 0) to year 275760 (epoch milliseconds ${MAX_TIME})`,
    );
  }
  return value;
}

/** Parses a positive integer within bounds. */
export function parseCount(name: string, text: string, max: number): number {
  return wholeNumber(`The ${name}`, text, 1, max);
}

/** Builds a filter from named string values; throws an InputError when one is bad. */
export function parseFilter(values: Record<string, string | undefined>): UserFilter {
  const filter: UserFilter = {};
  const { tier, type, since, until, before, limit } = values;
  // `search` is the CLI's name; `q` is kept for addresses already written down.
  if (values.search !== undefined && values.q !== undefined && values.search !== values.q) {
    throw new InputError(
      `Both search "${values.search}" and q "${values.q}" were given; give one (search)`,
    );
  }
  const q = values.search ?? values.q;
  if (tier !== undefined && tier !== "") {
    if (!TIERS.includes(tier as Tier)) {
      throw new InputError(`The tier "${tier}" is not one of ${TIERS.join(", ")}`);
    }
    filter.tier = tier as Tier;
  }
  if (type !== undefined && type !== "") {
    if (eventSpec(type) === undefined) {
      throw new InputError(
        `The event type "${type}" is not in the catalogue; see \`vitrine catalog\``,
      );
    }
    filter.type = type;
  }
  if (since !== undefined && since !== "") filter.since = parseTime("since", since);
  if (until !== undefined && until !== "") filter.until = parseTime("until", until);
  if (q !== undefined && q.trim() !== "") {
    if (q.length > MAX_SEARCH_LENGTH) {
      throw new InputError(`The search text is longer than ${MAX_SEARCH_LENGTH} characters`);
    }
    filter.search = q;
  }
  if (before !== undefined && before !== "") {
    filter.before = parseCount("before cursor", before, Number.MAX_SAFE_INTEGER);
  }
  if (limit !== undefined && limit !== "") filter.limit = parseCount("limit", limit, MAX_PAGE);
  return filter;
}
