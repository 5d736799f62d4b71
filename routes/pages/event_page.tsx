/**
 * One event: its exact JSON, each field with its tier and description,
 * and which fields would leave the machine at each level.
 *
 * @module
 */
import type { VNode } from "preact";
import { commonField, eventSpec, keySpec } from "../../catalog/key_spec.ts";
import type { FieldSpec, Tier } from "../../catalog/types.ts";
import type { StoredEvent } from "../../store/event_queries.ts";
import { formatTime } from "./format.ts";
import { Layout } from "./layout.tsx";
import { DataTable, TierBadge } from "./widgets.tsx";

/** What the event page shows. */
export interface EventPageData {
  hostname: string;
  level: Tier;
  event: StoredEvent;
  /** The level whose outgoing fields are highlighted. */
  view: Tier;
  cloudEnabled: boolean;
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

/** Renders the event page. */
export function EventPage({ hostname, level, event, view, cloudEnabled }: EventPageData): VNode {
  const spec = eventSpec(event.type);
  const leaves = (tier: Tier | undefined) =>
    tier === "required" || (view === "optional" && tier === "optional");
  const all = rows(event);
  const leaving = all.filter((r) => leaves(r.spec?.tier)).length;
  return (
    <Layout title={spec?.title ?? event.type} active="/events" hostname={hostname} level={level}>
      <p>
        <a href="/events">← All events</a> · event {event.id} · <code>{event.type}</code> ·{" "}
        {formatTime(event.time)}
      </p>
      {spec && <p class="muted">{spec.description}</p>}
      <section class="card" aria-labelledby="leave-title">
        <h2 id="leave-title">What leaves this machine</h2>
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
        <p>
          {cloudEnabled
            ? `With the cloud service on, ${leaving} of these ${all.length} fields would leave this machine at the ${view} level (highlighted).`
            : `The cloud service is off, so nothing leaves this machine. If it were on, ${leaving} of these ${all.length} fields would leave at the ${view} level (highlighted).`}
        </p>
      </section>
      <DataTable
        headers={["Field", "Value", "Tier", "Meaning", `Leaves at ${view}`]}
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
            <td>{leaves(row.spec?.tier) ? "yes" : "no"}</td>
          </tr>
        ))}
      </DataTable>
      <h2>Exact JSON as stored</h2>
      <pre class="json" tabIndex={0} aria-label="Event JSON">{JSON.stringify(event, null, 2)}</pre>
    </Layout>
  );
}
