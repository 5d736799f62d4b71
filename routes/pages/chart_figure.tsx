/**
 * One chart as the charts island fills it: the drawing, a sentence that
 * says what it shows (newest value, lowest and highest over the range),
 * and the same values as a table, for people who do not see the drawing.
 *
 * @module
 */
import type { VNode } from "preact";

/**
 * A chart of `metric`; `range` fixes its range (else the page's range picker
 * does). With `fit`, data younger than the range fills the chart (a range
 * the page chose, not one a person picked).
 */
export function ChartFigure(
  props: { metric: string; title: string; range?: string; fit?: boolean },
): VNode {
  const id = props.metric;
  return (
    <figure class="chart-figure">
      <div
        class="chart"
        data-metric={id}
        data-range={props.range}
        data-fit={props.fit ? "true" : undefined}
        data-note-for={`note-${id}`}
        data-summary-for={`summary-${id}`}
        data-table-for={`table-${id}`}
        role="img"
        aria-label={`${props.title}: the values are given below the chart`}
        aria-describedby={`summary-${id}`}
      >
      </div>
      <figcaption>
        <p id={`summary-${id}`} class="chart-summary" aria-live="polite">
          Loading the values…
        </p>
        <p id={`note-${id}`} class="muted"></p>
        <details class="chart-table">
          <summary>The values as a table</summary>
          <div id={`table-${id}`}></div>
        </details>
      </figcaption>
    </figure>
  );
}
