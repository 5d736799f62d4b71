// Reading events for the API and the pages alike: one page of a filter,
// or one event, always within what the policy lets be shown.
import { wholeNumberOrNull } from "../input/whole_number.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { getEvent, listEvents, type StoredEvent } from "../store/event_queries.ts";
import type { UserFilter } from "../input/parse_filter.ts";
import type { AppDeps } from "./app_deps.ts";

/** Events per page when the filter names no limit. */
export const PAGE_SIZE = 50;

/** One page of events, newest first, with the cursor of the next page (null on the last). */
export async function pageOfEvents(
  deps: AppDeps,
  filter: UserFilter,
): Promise<{ events: StoredEvent[]; next: number | null }> {
  const limit = filter.limit ?? PAGE_SIZE;
  const events = await listEvents(deps.store.db, {
    ...filter,
    limit,
    allowed: allowedTiers(deps.policy(), "show"),
  });
  const last = events[events.length - 1];
  return { events, next: events.length === limit && last ? last.id : null };
}

/** The event id in `text`, or null when it is not a positive integer. */
export function parseEventId(text: string): number | null {
  return wholeNumberOrNull(text, 1, Number.MAX_SAFE_INTEGER);
}

/** Event `id` with what the policy lets be shown, or undefined when nothing of it may be. */
export async function visibleEvent(deps: AppDeps, id: number): Promise<StoredEvent | undefined> {
  const event = await getEvent(deps.store.db, id, allowedTiers(deps.policy(), "show"));
  return event && Object.keys(event.parts).length > 0 ? event : undefined;
}
