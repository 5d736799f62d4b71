// Client island: draws the time series of the charts page (and the
// overview's event chart) with uPlot, and follows live updates over SSE.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Series } from "../store/series_queries.ts";

/** Series colours and the axes' ink, from the page's colour scheme (light or dark). */
function palette(): { series: string[]; ink: string; grid: string } {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    series: ["--required", "--optional", "--ok", "--bad", "--warn"].map(v),
    ink: v("--muted"),
    grid: v("--line"),
  };
}

function formatValue(unit: string, value: number | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (unit === "bytes") {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = value;
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(v < 10 && i > 0 ? 2 : 1)} ${units[i]}`;
  }
  if (unit === "per second") return `${value.toFixed(1)}/s`;
  return value.toFixed(value < 10 ? 2 : 0);
}

/** Says on the container what was drawn, for tests. */
function describe(container: HTMLElement, series: Series, plot: uPlot | null): void {
  const values = series.data.slice(1).flat();
  container.dataset.points = String(series.data[0]?.length ?? 0);
  container.dataset.nonzero = String(values.filter((v) => v !== null && v !== 0).length);
  container.dataset.xMin = String(plot?.scales.x?.min ?? series.range[0]);
  container.dataset.xMax = String(plot?.scales.x?.max ?? series.range[1]);
  container.dataset.first = String(firstTime(series) ?? "");
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });

const TICK_FORMATS = {
  seconds: new Intl.DateTimeFormat(undefined, { timeStyle: "medium" }),
  minutes: new Intl.DateTimeFormat(undefined, { timeStyle: "short" }),
  days: new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" }),
};

/** How a time axis labels its ticks: as finely as their spacing needs. */
function tickFormat(ticks: number[]): Intl.DateTimeFormat {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 60;
  if (step < 60) return TICK_FORMATS.seconds;
  return step < 86_400 ? TICK_FORMATS.minutes : TICK_FORMATS.days;
}

/** The rows shown in a chart's table at most: the newest. */
const TABLE_ROWS = 200;

/** What a chart shows, in words: each line's newest value, lowest and highest over the range. */
function summarise(series: Series): string {
  const times = series.data[0] ?? [];
  if (times.length === 0) return series.note ?? "No values in this range yet.";
  const parts = series.labels.map((label, i) => {
    const values = (series.data[i + 1] ?? []).filter((v): v is number => v !== null);
    if (values.length === 0) return `${label}: no values`;
    const newest = values[values.length - 1]!;
    return `${label}: newest ${formatValue(series.unit, newest)}, lowest ${
      formatValue(series.unit, Math.min(...values))
    }, highest ${formatValue(series.unit, Math.max(...values))}`;
  });
  const first = timeFormat.format(times[0]! * 1000);
  const span = times.length === 1
    ? `1 point at ${first}`
    : `${times.length} points from ${first} to ${timeFormat.format(times.at(-1)! * 1000)}`;
  return `${span}. ${parts.join("; ")}.`;
}

/** The series as a table, newest first. */
function tableOf(series: Series, caption: string): HTMLElement {
  const times = series.data[0] ?? [];
  if (times.length === 0) {
    const empty = document.createElement("p");
    empty.className = "muted";
    empty.textContent = "No values in this range yet.";
    return empty;
  }
  const table = document.createElement("table");
  table.className = "compact";
  const shown = Math.min(times.length, TABLE_ROWS);
  table.createCaption().textContent = shown < times.length
    ? `${caption}: the newest ${shown} of ${times.length} points`
    : `${caption}: ${times.length} points`;
  const head = table.createTHead().insertRow();
  for (const title of ["Time", ...series.labels]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (let i = times.length - 1; i >= times.length - shown; i--) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = timeFormat.format(times[i]! * 1000);
    row.append(th);
    for (let s = 1; s < series.data.length; s++) {
      const cell = row.insertCell();
      cell.className = "num";
      cell.textContent = formatValue(series.unit, series.data[s]![i] ?? null);
    }
  }
  return table;
}

/** The time of the first point with a value (buckets before the data began count nothing). */
function firstTime(series: Series): number | null {
  const [times = [], ...lines] = series.data;
  const index = times.findIndex((_, i) => lines.some((line) => line[i] !== null && line[i] !== 0));
  return index === -1 ? null : times[index] ?? null;
}

/** The shortest span a chart fitted to young data shows (seconds): one point is not a span. */
const FIT_MIN_SPAN = 5;

/**
 * The x axis: the range asked for, or, when the chart fits its data and the
 * data began inside that range (a fresh install), from just before the first
 * point to the range's end, so that a first run's minutes fill the chart.
 */
function xRange(series: Series, fit: boolean): [number, number] {
  const [since, until] = series.range;
  const first = firstTime(series);
  if (!fit || first === undefined || first === null || first <= since) return [since, until];
  const span = Math.max(FIT_MIN_SPAN, (until - first) * 1.05);
  return [Math.max(since, until - span), until];
}

function draw(container: HTMLElement, series: Series, bars: boolean): uPlot | null {
  container.replaceChildren();
  const note = container.dataset.noteFor
    ? document.getElementById(container.dataset.noteFor)
    : null;
  if (note) note.textContent = series.note ?? "";
  if ((series.data[0]?.length ?? 0) === 0) {
    const empty = document.createElement("p");
    empty.className = "muted";
    empty.textContent = series.note ?? "No data in this range yet.";
    container.append(empty);
    return null;
  }
  const width = Math.max(280, container.clientWidth);
  const colours = palette();
  const options: uPlot.Options = {
    width,
    height: 240,
    series: [
      {},
      ...series.labels.map((label, i) => ({
        label,
        stroke: colours.series[i % colours.series.length],
        fill: bars ? `${colours.series[i % colours.series.length]}55` : undefined,
        width: 2,
        value: (_: uPlot, v: number | null) => formatValue(series.unit, v),
        // Bars of one bucket stand side by side: the first to the left of its time, the next to the right.
        paths: bars ? uPlot.paths.bars!({ size: [0.45, 20], align: i === 0 ? -1 : 1 }) : undefined,
      })),
    ],
    axes: [
      {
        stroke: colours.ink,
        grid: { stroke: colours.grid },
        ticks: { stroke: colours.grid },
        // One row of labels: uPlot's second row (the date) ran into its neighbours on short ranges.
        values: (_: uPlot, ticks: number[]) => ticks.map((t) => tickFormat(ticks).format(t * 1000)),
        // Room for a label with seconds between ticks.
        space: 90,
      },
      {
        stroke: colours.ink,
        grid: { stroke: colours.grid },
        ticks: { stroke: colours.grid },
        values: (_: uPlot, ticks: number[]) => ticks.map((t) => formatValue(series.unit, t)),
        size: 80,
      },
    ],
    scales: {
      // The chosen range (or the data's, see xRange), never uPlot's guess: one point is not a span of years.
      x: {
        time: true,
        range: (): uPlot.Range.MinMax => xRange(series, container.dataset.fit === "true"),
      },
      y: {
        range: (_: uPlot, min: number, max: number) => [Math.min(0, min), max > 0 ? max * 1.05 : 1],
      },
    },
  };
  return new uPlot(options, series.data as uPlot.AlignedData, container);
}

async function load(container: HTMLElement, range: string): Promise<uPlot | null> {
  const metric = container.dataset.metric!;
  container.setAttribute("aria-busy", "true");
  const response = await fetch(
    `/api/series?metric=${encodeURIComponent(metric)}&range=${encodeURIComponent(range)}`,
  );
  const series = await response.json() as Series;
  container.removeAttribute("aria-busy");
  const plot = draw(container, series, metric === "events");
  // uPlot sets its scales when it first draws: describe what it drew.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  describe(container, series, plot);
  const summary = document.getElementById(container.dataset.summaryFor ?? "");
  if (summary) summary.textContent = summarise(series);
  const table = document.getElementById(container.dataset.tableFor ?? "");
  if (table) {
    const title = container.closest("section, .card")?.querySelector("h2")?.textContent ??
      metric;
    table.replaceChildren(tableOf(series, title));
  }
  return plot;
}

async function main(): Promise<void> {
  const containers = [...document.querySelectorAll<HTMLElement>("[data-metric]")];
  if (containers.length === 0) return;
  const picker = document.querySelector<HTMLSelectElement>("#range");
  const plots = new Map<HTMLElement, uPlot | null>();
  const refresh = async () => {
    const range = picker?.value ?? "24h";
    for (const container of containers) {
      plots.set(container, await load(container, container.dataset.range ?? range));
    }
  };
  picker?.addEventListener("change", () => {
    // A range chosen by hand is shown whole.
    for (const container of containers) delete container.dataset.fit;
    const url = new URL(location.href);
    url.searchParams.set("range", picker.value);
    history.replaceState(null, "", url);
    void refresh();
  });
  await refresh();
  if (document.body.dataset.live !== "true") return;
  const status = document.querySelector<HTMLElement>("#live-status");
  const source = new EventSource("/api/stream");
  source.addEventListener(
    "open",
    () => status && (status.textContent = "Live: new statistics appear as they are collected."),
  );
  source.addEventListener(
    "error",
    () => status && (status.textContent = "Live updates paused; retrying."),
  );
  const onEvent = () => void refresh();
  source.addEventListener("system_statistics", onEvent);
  source.addEventListener("kernel_statistics", onEvent);
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => void refresh(), 200);
  });
}

void main();
