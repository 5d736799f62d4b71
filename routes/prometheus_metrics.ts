/**
 * The kernel and system statistics as Prometheus metrics, named from the
 * catalogue: `<event's metricPrefix><field>`, in base units, counters ending
 * in `_total`. Only fields of the tiers the level allows are exposed, and a
 * value that is null (unsupported here) is absent, never 0.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { CATALOG } from "../catalog/catalog.ts";
import type { FieldSpec, Measure, Tier, Unit } from "../catalog/types.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { listEvents } from "../store/event_queries.ts";
import type { Database } from "../store/schema.ts";
import { PROMETHEUS_TEXT, PrometheusText } from "./prometheus_text.ts";

/** Where a metric's values sit in an event's fields. */
type MetricSource =
  /** One key holds one value. */
  | { kind: "field"; key: string }
  /** Every key under `prefix` is a sample, labelled `label` = the rest of the key. */
  | { kind: "family"; prefix: string; label: string }
  /** Member `member` of each object in array `array`, labelled by the string members. */
  | { kind: "group"; array: string; member: string; labels: readonly string[] };

/** A metric the catalogue defines. */
export interface MetricSpec {
  name: string;
  help: string;
  type: Measure;
  event: string;
  tier: Tier;
  /** Multiplies stored values into the base unit. */
  scale: number;
  source: MetricSource;
}

/** The base-unit suffix of a unit and the factor that converts into it. */
const UNITS: Record<Unit, { suffix: string; scale: number }> = {
  bytes: { suffix: "_bytes", scale: 1 },
  seconds: { suffix: "_seconds", scale: 1 },
  milliseconds: { suffix: "_seconds", scale: 1 / 1000 },
  percent: { suffix: "_ratio", scale: 1 / 100 },
  hertz: { suffix: "_hertz", scale: 1 },
  count: { suffix: "", scale: 1 },
  load: { suffix: "", scale: 1 },
};

/** Words of field names that Prometheus reads as abbreviated units, spelt out. */
const SPELT_OUT: Readonly<Record<string, string>> = { sec: "security" };

function snake(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase()
    .split("_").map((word) => SPELT_OUT[word] ?? word).join("_");
}

function metricOf(event: string, prefix: string, field: FieldSpec, all: readonly FieldSpec[]) {
  const group = field.name.indexOf("[].");
  const family = field.name.indexOf(".[");
  let source: MetricSource;
  let base: string;
  if (group > 0) {
    const array = field.name.slice(0, group);
    const member = field.name.slice(group + 3);
    const labels = all.filter((f) => f.name.startsWith(`${array}[].`) && f.type === "string")
      .map((f) => f.name.slice(group + 3));
    source = { kind: "group", array, member, labels };
    base = `${array}.${member}`;
  } else if (family > 0) {
    const label = field.name.slice(family + 2, -1);
    source = { kind: "family", prefix: field.name.slice(0, family + 1), label };
    base = field.name.slice(0, family);
  } else {
    source = { kind: "field", key: field.name };
    base = field.name;
  }
  const unit = UNITS[field.unit ?? "count"];
  let name = `${prefix}${snake(base)}`;
  // A counter's "_total" goes after its unit.
  if (field.measure === "counter") name = name.replace(/_total$/, "");
  if (!name.endsWith(unit.suffix)) name += unit.suffix;
  if (field.measure === "counter") name += "_total";
  // Only counters may end in "_total" (a gauge of total inodes is just "inodes").
  else name = name.replace(/_total$/, "");
  return {
    name,
    help: field.description,
    type: field.measure!,
    event,
    tier: field.tier,
    scale: unit.scale,
    source,
  };
}

/** Every metric, from the catalogue's measured fields. */
export const METRICS: readonly MetricSpec[] = CATALOG.events.flatMap((event) =>
  event.metricPrefix === undefined ? [] : event.fields.filter((field) => field.measure).map(
    (field) => metricOf(event.type, event.metricPrefix!, field, event.fields),
  )
);

/** A value as a number, or null when there is none (absent, not 0). */
function numeric(value: unknown, scale: number): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return value * scale;
}

/** The samples of `metric` in an event's `fields`. */
export function samplesOf(
  metric: MetricSpec,
  fields: Readonly<Record<string, unknown>>,
): { labels: Record<string, string>; value: number }[] {
  const { source } = metric;
  const out: { labels: Record<string, string>; value: number }[] = [];
  if (source.kind === "field") {
    const value = numeric(fields[source.key], metric.scale);
    if (value !== null) out.push({ labels: {}, value });
  } else if (source.kind === "family") {
    for (const [key, raw] of Object.entries(fields)) {
      if (!key.startsWith(source.prefix) || key.length === source.prefix.length) continue;
      const value = numeric(raw, metric.scale);
      if (value !== null) {
        out.push({ labels: { [source.label]: key.slice(source.prefix.length) }, value });
      }
    }
  } else {
    const items = fields[source.array];
    for (const item of Array.isArray(items) ? items : []) {
      const record = item as Record<string, unknown>;
      const value = numeric(record[source.member], metric.scale);
      if (value === null) continue;
      const labels: Record<string, string> = {};
      for (const label of source.labels) {
        if (typeof record[label] === "string") labels[label] = record[label] as string;
      }
      out.push({ labels, value });
    }
  }
  return out;
}

/** The exposition: content type and text. */
export interface Exposition {
  contentType: string;
  text: string;
}

/**
 * The latest statistics as Prometheus text, with only the tiers `policy`
 * lets be shown, and when each event was measured.
 */
export async function exposeMetrics(db: Kysely<Database>, policy: Policy): Promise<Exposition> {
  const exposition = new PrometheusText();
  // The tiers are decided once, by the read: what is not read is not served.
  const allowed = allowedTiers(policy, "metrics");
  const events = [...new Set(METRICS.map((metric) => metric.event))];
  const latest = new Map<string, Record<string, unknown>>();
  for (const type of events) {
    const [event] = await listEvents(db, { allowed, type, limit: 1 });
    if (!event) continue;
    latest.set(type, { ...event.parts.required, ...event.parts.optional });
    exposition.add(
      "vitrine_statistics_timestamp_seconds",
      "gauge",
      "When the statistics exposed here were measured, per event type.",
      { labels: { event: type }, value: event.time / 1000 },
    );
  }
  for (const metric of METRICS) {
    const fields = latest.get(metric.event);
    if (!fields) continue;
    for (const sample of samplesOf(metric, fields)) {
      exposition.add(
        metric.name,
        metric.type === "counter" ? "counter" : "gauge",
        metric.help,
        sample,
      );
    }
  }
  return { contentType: PROMETHEUS_TEXT, text: exposition.text() };
}
