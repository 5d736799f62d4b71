/**
 * Changes a local preference: the one path the CLI and the dashboard share.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { checkPreferenceChange, type PreferenceChange } from "./check_preference_change.ts";
import type { Policy } from "./policy.ts";
import { setPreference } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";

/**
 * Stores `value` for `key` (or with `undefined`, removes the preference)
 * when {@linkcode checkPreferenceChange} allows it under `policy`, and
 * returns its verdict for the caller to render.
 */
export async function changePreference(
  db: Kysely<Database>,
  policy: Policy,
  key: string,
  value: unknown,
): Promise<PreferenceChange> {
  const change = checkPreferenceChange(policy, key, value);
  if (change.ok) await setPreference(db, change.key, change.value);
  return change;
}
