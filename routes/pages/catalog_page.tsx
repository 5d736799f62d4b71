/**
 * The catalogue: every event and field, and whether this machine collects
 * it now.
 *
 * @module
 */
import type { VNode } from "preact";
import { CATALOG } from "../../catalog/catalog.ts";
import type { EventSpec, FieldSpec, Tier } from "../../catalog/types.ts";
import { Layout } from "./layout.tsx";
import { DataTable, TierBadge } from "./widgets.tsx";

/** What decides whether a field is collected now. */
export interface CollectionContext {
  level: Tier;
  /** The active file-activity interface, if known. */
  subsystem: string | undefined;
  realTime: boolean;
}

/** Whether `field` of `event` is collected on this machine now, and why not. */
export function collectedNow(
  event: EventSpec | null,
  field: FieldSpec,
  context: CollectionContext,
): { yes: boolean; why: string } {
  if (event && event.producedBy.startsWith("Never")) {
    return { yes: false, why: "vitrine never records this event" };
  }
  if (field.tier === "optional" && context.level === "required") {
    return { yes: false, why: "optional: not at the required level" };
  }
  if (event?.type === "kernel_statistics") {
    if (!context.realTime) return { yes: false, why: "real-time protection is off" };
    const source = field.source;
    if (source && !source.reader && !source.maskOf) {
      const active = context.subsystem === "fanotify" || context.subsystem === "inotify"
        ? context.subsystem
        : null;
      if (active === null) return { yes: false, why: "the subsystem is not running" };
      if (!source[active]) return { yes: false, why: `unsupported under ${active}` };
    }
  }
  return { yes: true, why: "collected" };
}

function FieldTable(
  props: { event: EventSpec | null; fields: readonly FieldSpec[]; context: CollectionContext },
): VNode {
  return (
    <DataTable
      caption={props.event === null
        ? "Fields every event carries"
        : `Fields of ${props.event.type}`}
      headers={["Field", "Tier", "Type", "Meaning", "Platforms", "Collected here now"]}
    >
      {props.fields.map((field) => {
        const state = collectedNow(props.event, field, props.context);
        return (
          <tr key={field.name}>
            <td>
              <code>{field.name}</code>
              {field.origin === "vitrine" && (
                <span class="pill" title="Defined by vitrine, not by the privacy pages">
                  vitrine
                </span>
              )}
            </td>
            <td>
              <TierBadge tier={field.tier} />
            </td>
            <td>{field.type}{field.unit ? ` (${field.unit})` : ""}</td>
            <td>
              {field.source ? field.source.meaning : field.description}
              {field.nullable && <span class="muted">Null when: {field.nullable}</span>}
            </td>
            <td>{field.platforms.join(", ")}</td>
            <td class={state.yes ? "ok" : "muted"}>{state.yes ? "yes" : `no: ${state.why}`}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** Renders the catalogue page. */
export function CatalogPage(props: { context: CollectionContext }): VNode {
  return (
    <Layout
      title="Catalogue"
      active="/catalog"
    >
      <p>
        Catalogue version{" "}
        <code>{CATALOG.version}</code>. Every event vitrine knows, every field, its tier, and
        whether this machine collects it now. The same table drives validation, the policy filter
        and the export schema.
      </p>
      <nav aria-label="Event types" class="toc">
        <ul>
          <li>
            <a href="#common">Common fields</a>
          </li>
          {CATALOG.events.map((e) => (
            <li key={e.type}>
              <a href={`#${e.type}`}>{e.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      <section id="common" class="card wide">
        <h2>Common fields (every event)</h2>
        <FieldTable event={null} fields={CATALOG.common} context={props.context} />
      </section>
      {CATALOG.events.map((event) => (
        <section key={event.type} id={event.type} class="card wide catalog-event">
          <h2>
            {event.title} <code>{event.type}</code>
          </h2>
          <p>{event.description}</p>
          <p class="muted">Recorded by: {event.producedBy} · Category: {event.category}</p>
          <FieldTable event={event} fields={event.fields} context={props.context} />
        </section>
      ))}
    </Layout>
  );
}
