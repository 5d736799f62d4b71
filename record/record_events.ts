/**
 * The one path by which events reach the store: validated against the
 * catalogue, split by tier, trimmed to what the policy lets be stored, and
 * queued for sending (in the same transaction) while sending is on.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { RawEvent } from "../catalog/raw_event.ts";
import { validateAndSplit } from "../catalog/validate_event.ts";
import type { Identity } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { insertEvents, type NewEvent } from "../store/insert_events.ts";
import type { Database } from "../store/schema.ts";
import { takeCrashSend } from "../store/crash_quota_queries.ts";

export type { RawEvent };

/**
 * Stores `events` in one transaction and returns how many were stored.
 * An event that breaks the catalogue throws a TypeError: that is a bug in
 * the collector, never something to store. An event left with no field
 * the policy allows is not stored at all.
 */
export async function recordEvents(
  db: Kysely<Database>,
  identity: Identity,
  policy: Policy,
  events: readonly RawEvent[],
): Promise<number> {
  const rows = await eventRows(db, identity, policy, events);
  await insertEvents(db, rows, { maxQueued: policy.get("outbox.maxRecords") });
  return rows.length;
}

/**
 * `events` as rows to store: validated, split by tier, trimmed to the tiers
 * `policy` lets be stored, and queued for the tiers it lets leave (for a
 * caller that stores them in a transaction of its own).
 */
export async function eventRows(
  db: Kysely<Database>,
  identity: Identity,
  policy: Policy,
  events: readonly RawEvent[],
): Promise<NewEvent[]> {
  const tiers = allowedTiers(policy, "store");
  const sendable = allowedTiers(policy, "send");
  const rows: NewEvent[] = [];
  for (const event of events) {
    const split = validateAndSplit(event.type, event.fields);
    const parts: NewEvent["parts"] = {};
    for (const tier of tiers) {
      const part = split[tier];
      if (part && Object.keys(part).length > 0) parts[tier] = part;
    }
    if (Object.keys(parts).length === 0) continue;
    // Crash records are sent up to crashUploadDailyLimit a day; the rest stay here.
    const queue = sendable.length > 0 && event.type === "crash" &&
        !(await takeCrashSend(db, policy.get("crashUploadDailyLimit")))
      ? []
      : sendable;
    rows.push({
      type: event.type,
      time: event.time ?? Date.now(),
      common: { ...identity },
      parts,
      queue,
    });
  }
  return rows;
}
