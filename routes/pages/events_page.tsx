/**
 * The events list: newest first, filtered, searchable, paged by cursor.
 *
 * @module
 */
import type { VNode } from "preact";
import type { StoredEvent } from "../../store/event_queries.ts";
import { MAX_SEARCH_LENGTH, type UserFilter } from "../../input/parse_filter.ts";
import { formatTime } from "./format.ts";
import { FilterFields } from "./filter_fields.tsx";
import { Layout } from "./layout.tsx";
import { DataTable, TierBadge } from "./widgets.tsx";

/** What the events page shows. */
export interface EventsPageData {
  filter: UserFilter;
  /** The raw query values, to refill the form. */
  query: Record<string, string>;
  events: StoredEvent[];
  next: number | null;
  error?: string;
}

function summary(event: StoredEvent): string {
  const fields = { ...event.parts.required, ...event.parts.optional };
  const pick = (keys: string[]) =>
    keys.filter((k) => k in fields).map((k) => `${k}=${JSON.stringify(fields[k])}`);
  const preferred: Record<string, string[]> = {
    system_statistics: ["load.1m", "memory.available", "processes"],
    kernel_statistics: ["subsystem", "ipc.connected", "ipc.kauth_file_op.open"],
    configuration: ["cloud_service.diagnostic_level", "cloud_service.automatic_sample_submission"],
    install: ["code", "version"],
    diagnostic_level_change: ["from_level", "to_level", "deleted_records"],
  };
  const chosen = pick(preferred[event.type] ?? Object.keys(fields).slice(0, 3));
  const text = chosen.join("  ");
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function withQuery(
  query: Record<string, string>,
  changes: Record<string, string | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...changes })) {
    if (v !== undefined && v !== "") params.set(k, v);
  }
  const text = params.toString();
  return text ? `/events?${text}` : "/events";
}

/** Renders the events page. */
export function EventsPage(props: EventsPageData): VNode {
  const q = props.query;
  return (
    <Layout title="Events" active="/events">
      <form class="filters" method="get" action="/events" role="search" aria-label="Filter events">
        <label>
          Search field names and values
          <input
            type="search"
            name="search"
            value={q.search ?? q.q ?? ""}
            placeholder="for example: ext4 or fanotify"
            maxLength={MAX_SEARCH_LENGTH}
          />
        </label>
        <FilterFields query={q} anyTier="Both tiers" />
        <button type="submit">Apply</button>
        <a class="button secondary" href="/events">Reset</a>
      </form>
      {props.error && <div class="alert" role="alert">{props.error}</div>}
      <DataTable
        headers={["Time (UTC)", "Type", "Tiers", "Summary"]}
        captionId="events-caption"
        caption={props.events.length === 0
          ? "No stored event matches."
          : `${props.events.length} events, newest first`}
      >
        {props.events.map((event) => (
          <tr key={event.id}>
            <td>
              <a
                href={`/events/${event.id}`}
                aria-label={`Open event ${event.id}, ${event.type}, ${formatTime(event.time)}`}
              >
                {formatTime(event.time)}
              </a>
            </td>
            <td>
              <code>{event.type}</code>
            </td>
            <td>
              {Object.keys(event.parts).map((tier) => <TierBadge key={tier} tier={tier} />)}
            </td>
            <td class="summary">
              <code>{summary(event)}</code>
            </td>
          </tr>
        ))}
      </DataTable>
      <nav class="pager" aria-label="Pages">
        {q.before && (
          <a class="button secondary" href={withQuery(q, { before: undefined })}>Newest</a>
        )}
        {props.next !== null && (
          <a class="button" href={withQuery(q, { before: String(props.next) })} rel="next">Older</a>
        )}
      </nav>
    </Layout>
  );
}
