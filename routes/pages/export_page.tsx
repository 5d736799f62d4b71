/**
 * The export page: choose filters and download the audit export.
 *
 * @module
 */
import type { VNode } from "preact";
import type { Tier } from "../../catalog/types.ts";
import { formatCount } from "./format.ts";
import { FilterFields } from "./filter_fields.tsx";
import { Layout, useFrame } from "./layout.tsx";

/** Renders the export page. */
export function ExportPage(
  props: { counts: Record<Tier, number> },
): VNode {
  const { level } = useFrame();
  return (
    <Layout title="Export" active="/export">
      <p>
        The audit export holds a manifest (this machine's identity, the catalogue, the policy in
        effect, the filter and counts), every matching event, and a trailer with the head of a hash
        chain over the records. Check a file with{" "}
        <code>vitrine verify FILE</code>: a removed, changed, reordered or truncated record is
        found.
      </p>
      <p class="notice">
        At the <strong>{level}</strong> level the export holds {level === "required"
          ? `required data only (${formatCount(props.counts.required)} records).`
          : `required and optional data (${formatCount(props.counts.required)} and ${
            formatCount(props.counts.optional)
          } records).`}
      </p>
      <form class="filters" method="get" action="/api/export" aria-label="Export">
        <label>
          Format
          <select name="format">
            <option value="json">JSON (one document)</option>
            <option value="ndjson">NDJSON (one record a line)</option>
          </select>
        </label>
        <FilterFields query={{}} anyTier="All allowed" />
        <label class="inline">
          <input type="checkbox" name="gzip" value="1" /> gzip
        </label>
        <button type="submit">Download export</button>
      </form>
    </Layout>
  );
}
