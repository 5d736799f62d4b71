/**
 * `vitrine events`: stored events as JSON.
 *
 * @module
 */
import { allowedTiers } from "../policy/tiers.ts";
import { listEvents } from "../store/event_queries.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags, filterFromFlags } from "./parse_flags.ts";

/** Help text. */
export const EVENTS_HELP = `vitrine events: print stored events as JSON, newest first

Usage: vitrine events [flags]

  --type TYPE        only events of this type (see vitrine catalog)
  --tier TIER        required or optional: only events with data of that tier, and only that data
  --limit N          at most N events (1 to 1000, default 20)
  --since TIME       from this time (ISO 8601 or epoch ms)
  --until TIME       before this time
  --search WORDS     only events whose field names or values contain these words
  --data-dir DIR     the agent's data directory
  --managed-config FILE
  -h, --help         this text

Only what the policy in effect allows to be shown is printed.`;

/** Prints events. */
export async function eventsCommand(args: string[]): Promise<number> {
  const flags = commandFlags("events", args, EVENTS_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  const filter = filterFromFlags("events", values, {
    limit: values.limit ?? "20",
    q: values.search,
  });
  const data = await openDataFromFlags(values);
  try {
    const events = await listEvents(data.store.db, {
      ...filter,
      allowed: allowedTiers(data.policy, "show"),
    });
    console.log(JSON.stringify(events, null, 2));
  } finally {
    await data.store.close();
  }
  return 0;
}
