// Client island: draws the time series of the charts page (and the
// overview's event chart) with uPlot, and follows live updates over SSE.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Series } from "../store/series_queries.ts";

const COLOURS = ["#1f6fb2", "#b25f12", "#1d7a46", "#7a3ea8", "#b42318"];

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

/** Says on the container what was drawn, for people using a screen reader and for tests. */
function describe(container: HTMLElement, series: Series, plot: uPlot | null): void {
  const values = series.data.slice(1).flat();
  container.dataset.points = String(series.data[0]?.length ?? 0);
  container.dataset.nonzero = String(values.filter((v) => v !== null && v !== 0).length);
  container.dataset.xMin = String(plot?.scales.x?.min ?? series.range[0]);
  container.dataset.xMax = String(plot?.scales.x?.max ?? series.range[1]);
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
  const options: uPlot.Options = {
    width,
    height: 240,
    series: [
      {},
      ...series.labels.map((label, i) => ({
        label,
        stroke: COLOURS[i % COLOURS.length],
        fill: bars ? `${COLOURS[i % COLOURS.length]}55` : undefined,
        width: 2,
        value: (_: uPlot, v: number | null) => formatValue(series.unit, v),
        // Bars of one bucket stand side by side: the first to the left of its time, the next to the right.
        paths: bars ? uPlot.paths.bars!({ size: [0.45, 20], align: i === 0 ? -1 : 1 }) : undefined,
      })),
    ],
    axes: [{}, {
      values: (_: uPlot, ticks: number[]) => ticks.map((t) => formatValue(series.unit, t)),
      size: 80,
    }],
    scales: {
      // The chosen range, whatever the data covers: one point is not a span of years.
      x: { time: true, range: (): uPlot.Range.MinMax => series.range },
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
  describe(container, series, plot);
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
