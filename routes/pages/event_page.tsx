/**
 * One event: its exact JSON, each field with its tier and description,
 * which of its fields left the machine (or wait to), where to and when,
 * and which would go at each level.
 *
 * @module
 */
import type { VNode } from "preact";
import { commonField, eventSpec, keySpec } from "../../catalog/key_spec.ts";
import type { FieldSpec, Tier } from "../../catalog/types.ts";
import type { StoredEvent } from "../../store/event_queries.ts";
import type { Journey } from "../../store/delivery_queries.ts";
import { formatTime } from "./format.ts";
import { Layout, useFrame } from "./layout.tsx";
import { DataTable, TierBadge } from "./widgets.tsx";

/** What the event page shows. */
export interface EventPageData {
  event: StoredEvent;
  /** The level whose outgoing fields are highlighted. */
  view: Tier;
  /** Where its parts went, or wait to go. */
  journey: Journey;
}

interface Row {
  name: string;
  value: unknown;
  spec: FieldSpec | undefined;
  common: boolean;
}

function rows(event: StoredEvent): Row[] {
  const out: Row[] = Object.entries(event.common).map(([name, value]) => ({
    name,
    value,
    spec: commonField(name),
    common: true,
  }));
  for (const part of [event.parts.required, event.parts.optional]) {
    for (const [key, value] of Object.entries(part ?? {})) {
      const spec = keySpec(event.type, key);
      if (spec?.kind === "group") {
        (value as Record<string, unknown>[]).forEach((item, i) => {
          for (const [member, memberValue] of Object.entries(item)) {
            out.push({
              name: `${key}[${i}].${member}`,
              value: memberValue,
              spec: spec.members.get(member),
              common: false,
            });
          }
        });
      } else {out.push({
          name: key,
          value,
          spec: spec?.kind === "field" ? spec.spec : undefined,
          common: false,
        });}
    }
  }
  return out;
}

/** Where the fields of `tier` went, in a few words, for the table. */
function wentFor(tier: Tier | undefined, journey: Journey, common: boolean): string {
  const sent = journey.sent.filter((s) => common || s.tier === tier);
  if (sent.length > 0) return `sent to ${sent[0]!.delivery.endpoint}`;
  if (journey.queued.some((q) => common || q === tier)) return "waiting";
  return "no";
}

/** The truth about this event's sending, in sentences. */
function JourneyText({ journey }: { journey: Journey }): VNode {
  const { sendingTo } = useFrame();
  const lines: string[] = [];
  for (const { tier, delivery } of journey.sent) {
    lines.push(
      `The ${tier} fields (with the common fields) were sent to ${delivery.endpoint} on ${
        formatTime(delivery.at)
      }, in a batch of ${delivery.records} records that was answered ${delivery.status}.`,
    );
  }
  if (journey.queued.length > 0) {
    lines.push(
      `The ${journey.queued.join(" and ")} fields wait in the outbox${
        sendingTo ? ` for ${sendingTo}` : ""
      }; they go when the endpoint accepts them, if the level then still allows them.`,
    );
  }
  if (lines.length === 0) {
    lines.push(
      sendingTo
        ? "Nothing of this event left this machine and nothing waits to: it was recorded while sending was off, or the receiver refused it, or the outbox dropped it (see Sent)."
        : "Nothing of this event left this machine, and nothing will: sending is off.",
    );
  }
  return <>{lines.map((line) => <p key={line}>{line}</p>)}</>;
}

/** Renders the event page. */
export function EventPage(
  { event, view, journey }: EventPageData,
): VNode {
  const spec = eventSpec(event.type);
  const leaves = (tier: Tier | undefined) =>
    tier === "required" || (view === "optional" && tier === "optional");
  const all = rows(event);
  const leaving = all.filter((r) => leaves(r.spec?.tier)).length;
  return (
    <Layout title={spec?.title ?? event.type} active="/events">
      <p>
        <a href="/events">← All events</a> · event {event.id} · <code>{event.type}</code> ·{" "}
        {formatTime(event.time)}
      </p>
      {spec && <p class="muted">{spec.description}</p>}
      <section class="card" aria-labelledby="leave-title">
        <h2 id="leave-title">What leaves this machine</h2>
        <JourneyText journey={journey} />
        <div role="group" aria-label="Diagnostic level to show" class="segmented">
          {(["required", "optional"] as const).map((l) => (
            <a
              key={l}
              class={view === l ? "button" : "button secondary"}
              href={`/events/${event.id}?view=${l}`}
              aria-current={view === l ? "true" : undefined}
            >
              At the {l} level
            </a>
          ))}
        </div>
        <p class="muted">
          {`At the ${view} level, ${leaving} of these ${all.length} fields go when sending is on (highlighted).`}
        </p>
      </section>
      <DataTable
        headers={["Field", "Value", "Tier", "Meaning", "Sent", `Goes at ${view}`]}
        caption="Fields, with their tier and meaning from the catalogue"
      >
        {all.map((row) => (
          <tr key={row.name} class={`field-row ${leaves(row.spec?.tier) ? "leaves" : "stays"}`}>
            <td>
              <code>{row.name}</code>
              {row.common && <span class="pill">common</span>}
            </td>
            <td>
              <code>{JSON.stringify(row.value)}</code>
              {row.spec?.unit && <span class="pill">{row.spec.unit}</span>}
            </td>
            <td>{row.spec ? <TierBadge tier={row.spec.tier} /> : "—"}</td>
            <td>
              {row.spec?.description ?? ""}
              {row.value === null && row.spec?.nullable ? ` Null: ${row.spec.nullable}` : ""}
            </td>
            <td>{wentFor(row.spec?.tier, journey, row.common)}</td>
            <td>{leaves(row.spec?.tier) ? "yes" : "no"}</td>
          </tr>
        ))}
      </DataTable>
      <h2>Exact JSON as stored</h2>
      <pre class="json" tabIndex={0} aria-label="Event JSON">{JSON.stringify(event, null, 2)}</pre>
    </Layout>
  );
}
