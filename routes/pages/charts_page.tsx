/**
 * Time series of the kernel statistics, drawn by the charts island.
 *
 * @module
 */
import type { VNode } from "preact";
import { CHART_RANGES, rangeWords } from "../../catalog/charts.ts";
import { ChartFigure } from "./chart_figure.tsx";
import { Layout } from "./layout.tsx";

const CHARTS = [
  { metric: "memory", title: "Memory" },
  { metric: "load", title: "Load average" },
  { metric: "disk", title: "Disk /" },
  { metric: "file_activity", title: "File activity (per second)" },
  { metric: "agent", title: "vitrine's own memory" },
];

/** Renders the charts page; with `fit` (no range picked), young data fills each chart. */
export function ChartsPage(props: { range: string; fit: boolean }): VNode {
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
              <option key={r} value={r} selected={r === props.range}>
                {`last ${rangeWords(r)}`}
              </option>
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
            <ChartFigure metric={chart.metric} title={chart.title} fit={props.fit} />
          </section>
        ))}
      </div>
    </Layout>
  );
}
