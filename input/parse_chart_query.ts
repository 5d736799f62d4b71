/**
 * The chart a request asks for: a metric the catalogue charts (or
 * "events") over a named range. What is not one is an InputError naming
 * the value and the ones there are.
 *
 * @module
 */
import { CHART_RANGES, type ChartRange, METRICS } from "../catalog/charts.ts";
import { InputError } from "./input_error.ts";

/** The range named `name`. */
export function parseChartRange(name: string): ChartRange {
  if (!(name in CHART_RANGES)) {
    throw new InputError(
      `The range "${name}" is not one of ${Object.keys(CHART_RANGES).join(", ")}`,
    );
  }
  return name as ChartRange;
}

/** `name` when it names a metric the catalogue charts, or "events" (the count of events). */
export function parseMetric(name: string): string {
  if (name !== "events" && METRICS[name] === undefined) {
    throw new InputError(
      `Unknown metric "${name}"; metrics are ${["events", ...Object.keys(METRICS)].join(", ")}`,
    );
  }
  return name;
}
