/**
 * Time series for the dashboard's charts, averaged into buckets in SQL so
 * that a chart over a month of events stays cheap.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { fieldTier, keyTier, type Metric, METRICS, type SeriesField } from "../catalog/charts.ts";
import { shapesFor } from "./shape_memo.ts";
import { partValue, type Shape } from "./part_codec.ts";
import type { Tier } from "../catalog/types.ts";
import type { Database } from "./schema.ts";

/**
 * SQL of the bucket number of `e.time`: an integer, whatever type the
 * bound values have (a real would give every event a bucket of its own).
 */
function bucketOf(since: number, width: number) {
  return sql`CAST((e.time - ${Math.floor(since)}) / ${Math.max(1, Math.floor(width))} AS INTEGER)`;
}

function inSeconds(since: number, until: number): [number, number] {
  return [Math.floor(since / 1000), Math.ceil(until / 1000)];
}

/** Values read per bucket at most, on average, when a range is dense. */
const SAMPLES_PER_BUCKET = 4;

/** A series ready for uPlot: times in seconds, then one array per field. */
export interface Series {
  metric: string;
  unit: string;
  labels: string[];
  /** [times, ...values], aligned; null where there is no value. */
  data: (number | null)[][];
  /** The time range asked for, in seconds: the chart's x axis spans exactly this. */
  range: [number, number];
  /** Why the series is empty, when it is. */
  note?: string;
}

/**
 * Reads `metric` from `since` to `until` (epoch ms) in at most `buckets`
 * points. Fields of tiers outside `allowed` are never read.
 */
export async function readSeries(
  db: Kysely<Database>,
  metricName: string,
  since: number,
  until: number,
  allowed: readonly Tier[],
  buckets = 300,
): Promise<Series> {
  // The name was checked where it was asked for (input/parse_chart_query.ts).
  const metric = METRICS[metricName]!;
  const fields = metric.fields.filter((f) => allowed.includes(fieldTier(metric.type, f)));
  const series: Series = {
    metric: metricName,
    unit: metric.unit,
    labels: fields.map((f) => f.label),
    data: [[]],
    range: inSeconds(since, until),
  };
  if (fields.length === 0) {
    series.note =
      "These values are optional data; the diagnostic level in effect does not collect them.";
    series.labels = metric.fields.map((f) => f.label);
    series.data = [[], ...metric.fields.map(() => [])];
    return series;
  }
  const rows = await sampledRows(db, metric, fields, since, until, buckets);
  const shapes = await shapesFor(
    db,
    rows.flatMap((row) => row.o_shape === undefined ? [row.r_shape] : [row.r_shape, row.o_shape]),
  );
  const points = aggregate(rows, metric, fields, shapes);
  const { times, values } = metric.rate
    ? ratesOf(points, fields.length)
    : valuesOf(points, fields.length);
  series.data = [times, ...values];
  if (times.length === 0) series.note = "No data in this range yet.";
  return series;
}

/**
 * The events of `metric` in the range, bucketed; dense ranges are sampled
 * (every stride-th event) so that a chart never reads more than a few
 * values per bucket.
 */
async function sampledRows(
  db: Kysely<Database>,
  metric: Metric,
  fields: readonly SeriesField[],
  since: number,
  until: number,
  buckets: number,
): Promise<SampledRow[]> {
  const width = Math.max(1000, Math.ceil((until - since) / buckets));
  const counted = await sql<{ n: number }>`SELECT count(*) AS n FROM event
    WHERE type = ${metric.type} AND time >= ${since} AND time < ${until}`.execute(db);
  const stride = Math.max(
    1,
    Math.floor(Number(counted.rows[0]?.n ?? 0) / (buckets * SAMPLES_PER_BUCKET)),
  );
  const joinOptional = fields.some((f) => fieldTier(metric.type, f) === "optional");
  const rows = await sql<SampledRow>`
    SELECT ${bucketOf(since, width)} AS bucket, e.time AS t,
      r.shape_id AS r_shape, r.data AS r_data
      ${joinOptional ? sql.raw(", o.shape_id AS o_shape, o.data AS o_data") : sql.raw("")}
    FROM event e
    JOIN event_part r ON r.tier = 'required' AND r.event_id = e.id
    ${
    joinOptional
      ? sql.raw("JOIN event_part o ON o.tier = 'optional' AND o.event_id = e.id")
      : sql.raw("")
  }
    WHERE e.type = ${metric.type} AND e.time >= ${since} AND e.time < ${until}
      AND (${stride} = 1 OR e.id % ${stride} = 0)
    ORDER BY e.time`.execute(db);
  return rows.rows;
}

/** The points as they are: time in seconds, then each field's values. */
function valuesOf(points: readonly Point[], width: number) {
  const times: number[] = [];
  const values: (number | null)[][] = Array.from({ length: width }, () => []);
  for (const point of points) {
    times.push(Math.round(point.t / 1000));
    point.v.forEach((value, i) => values[i]!.push(value));
  }
  return { times, values };
}

/**
 * Counters as rates per second between consecutive points; counters
 * restart with each subsystem instance, so no rate is drawn across one.
 */
function ratesOf(points: readonly Point[], width: number) {
  const times: number[] = [];
  const values: (number | null)[][] = Array.from({ length: width }, () => []);
  let previous: Point | null = null;
  for (const point of points) {
    if (previous && previous.instance === point.instance && point.t > previous.t) {
      const seconds = (point.t - previous.t) / 1000;
      times.push(Math.round(point.t / 1000));
      point.v.forEach((value, i) => {
        const before = previous!.v[i];
        values[i]!.push(
          value === null || before === null || before === undefined
            ? null
            : Math.max(0, (value - before) / seconds),
        );
      });
    }
    previous = point;
  }
  return { times, values };
}

/** One sampled event: its bucket, time and stored parts. */
interface SampledRow {
  bucket: number;
  t: number;
  r_shape: number;
  r_data: string;
  o_shape?: number;
  o_data?: string;
}

/** One point of a series before rates: the bucket's last time, instance and values. */
interface Point {
  t: number;
  instance: unknown;
  v: (number | null)[];
}

/**
 * Reduces sampled events to one point per bucket (and per subsystem
 * instance for counters): the average of each value, or for counters the
 * largest, with the bucket's last time.
 */
function aggregate(
  rows: readonly SampledRow[],
  metric: Metric,
  fields: readonly SeriesField[],
  shapes: ReadonlyMap<number, Shape>,
): Point[] {
  const groups = new Map<
    string,
    { t: number; instance: unknown; sums: number[]; counts: number[] }
  >();
  for (const row of rows) {
    const required = shapes.get(row.r_shape);
    const optional = row.o_shape === undefined ? undefined : shapes.get(row.o_shape);
    const read = (key: string): number | null => {
      const shape = keyTier(metric.type, key) === "required" ? required : optional;
      const data = keyTier(metric.type, key) === "required" ? row.r_data : row.o_data;
      if (!shape || data === undefined) return null;
      const value = partValue(shape, data, key);
      return typeof value === "number" ? value : null;
    };
    const instance = metric.rate && required
      ? partValue(required, row.r_data, "instance_id")
      : null;
    const key = `${row.bucket} ${String(instance)}`;
    const group = groups.get(key) ??
      { t: 0, instance, sums: fields.map(() => 0), counts: fields.map(() => 0) };
    groups.set(key, group);
    group.t = Math.max(group.t, Number(row.t));
    fields.forEach((field, i) => {
      const inputs = field.keys.map(read);
      const value = field.combine ? field.combine(...inputs) : inputs[0] ?? null;
      if (value === null) return;
      if (metric.rate) group.sums[i] = Math.max(group.counts[i] ? group.sums[i]! : value, value);
      else group.sums[i]! += value;
      group.counts[i]!++;
    });
  }
  return [...groups.values()]
    .map((group) => ({
      t: group.t,
      instance: group.instance,
      v: group.sums.map((sum, i) =>
        group.counts[i] ? (metric.rate ? sum : sum / group.counts[i]!) : null
      ),
    }))
    .sort((a, b) => a.t - b.t);
}

/** Events stored per time bucket and tier, for the overview chart. */
export async function readEventCounts(
  db: Kysely<Database>,
  since: number,
  until: number,
  allowed: readonly Tier[],
  buckets = 48,
): Promise<Series> {
  const width = Math.max(1000, Math.ceil((until - since) / buckets));
  // Probe each event's parts by primary key rather than joining them, so
  // the (large) field values are never read.
  const probes = allowed.map((tier, i) =>
    sql.raw(
      `sum(EXISTS (SELECT 1 FROM event_part p INDEXED BY event_part_event WHERE p.event_id = e.id AND p.tier = '${tier}')) AS t${i}`,
    )
  );
  const rows = allowed.length === 0 ? { rows: [] } : await sql<Record<string, number>>`
    SELECT ${bucketOf(since, width)} AS bucket, ${sql.join(probes)}
    FROM event e WHERE e.time >= ${since} AND e.time < ${until}
    GROUP BY bucket`.execute(db);
  // Each bar stands at the middle of its bucket.
  const times = Array.from(
    { length: buckets },
    (_, i) => Math.round((since + (i + 0.5) * width) / 1000),
  );
  const byTier = allowed.map((_, i) => {
    const counts: (number | null)[] = Array.from({ length: buckets }, () => 0);
    for (const row of rows.rows) {
      const bucket = Number(row.bucket);
      if (bucket < buckets) counts[bucket] = Number(row[`t${i}`] ?? 0);
    }
    return counts;
  });
  return {
    metric: "events",
    unit: "records",
    labels: [...allowed],
    data: [times, ...byTier],
    range: inSeconds(since, until),
  };
}
