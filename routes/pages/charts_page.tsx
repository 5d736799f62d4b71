/**
 * Time series of the kernel statistics, drawn by the charts island.
 *
 * @module
 */
import type { VNode } from "preact";
import { CHART_RANGES } from "../../catalog/charts.ts";
import { Layout } from "./layout.tsx";

const CHARTS = [
  { metric: "memory", title: "Memory" },
  { metric: "load", title: "Load average" },
  { metric: "disk", title: "Disk /" },
  { metric: "file_activity", title: "File activity (per second)" },
  { metric: "agent", title: "vitrine's own memory" },
];

/** Renders the charts page. */
export function ChartsPage(props: { range: string }): VNode {
  return (
    <Layout
      title="Charts"
      active="/charts"
      islands={["charts_island"]}
      live
    >
      <form class="filters" method="get" action="/charts" aria-label="Chart range">
        <label>
          Range
          <select id="range" name="range">
            {Object.keys(CHART_RANGES).map((r) => (
              <option key={r} value={r} selected={r === props.range}>{`last ${r}`}</option>
            ))}
          </select>
        </label>
        <noscript>
          <button type="submit">Show</button>
        </noscript>
        <p id="live-status" class="muted" role="status" aria-live="polite">
          Charts need JavaScript; the data is also at /api/series.
        </p>
      </form>
      <div class="charts">
        {CHARTS.map((chart) => (
          <section key={chart.metric} class="card" aria-labelledby={`chart-${chart.metric}`}>
            <h2 id={`chart-${chart.metric}`}>{chart.title}</h2>
            <div
              class="chart"
              data-metric={chart.metric}
              data-note-for={`note-${chart.metric}`}
              role="img"
              aria-label={`${chart.title} over the chosen range`}
            >
            </div>
            <p id={`note-${chart.metric}`} class="muted"></p>
          </section>
        ))}
      </div>
    </Layout>
  );
}
