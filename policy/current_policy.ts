/**
 * The policy in effect for a data directory: its managed file over its
 * local preferences over the defaults.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Policy } from "./policy.ts";
import { combinePolicy } from "./combine_policy.ts";
import { readManagedFile } from "./read_managed_file.ts";
import { getPreferences } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";

/** Reads the managed file and the stored preferences, and combines them. */
export async function currentPolicy(db: Kysely<Database>, managedFile: string): Promise<Policy> {
  return combinePolicy(managedFile, await readManagedFile(managedFile), await getPreferences(db));
}
