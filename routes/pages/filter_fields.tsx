/**
 * The type, tier and time fields shared by the events and export forms.
 *
 * @module
 */
import type { VNode } from "preact";
import { CATALOG } from "../../catalog/catalog.ts";

/** Form fields for type, tier and time range, refilled from `query`. */
export function FilterFields(props: { query: Record<string, string>; anyTier: string }): VNode {
  const q = props.query;
  return (
    <>
      <label>
        Type
        <select name="type">
          <option value="">All types</option>
          {CATALOG.events.map((e) => (
            <option key={e.type} value={e.type} selected={q.type === e.type}>{e.title}</option>
          ))}
        </select>
      </label>
      <label>
        Tier
        <select name="tier">
          <option value="">{props.anyTier}</option>
          <option value="required" selected={q.tier === "required"}>Required</option>
          <option value="optional" selected={q.tier === "optional"}>Optional</option>
        </select>
      </label>
      <label>
        From
        <input type="datetime-local" name="since" value={q.since ?? ""} />
      </label>
      <label>
        Until
        <input type="datetime-local" name="until" value={q.until ?? ""} />
      </label>
    </>
  );
}
