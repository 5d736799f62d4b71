/**
 * Time series for the dashboard's charts, averaged into buckets in SQL so
 * that a chart over a month of events stays cheap.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { EventType } from "../catalog/catalog.ts";
import { keySpec } from "../catalog/key_spec.ts";
import type { Tier } from "../catalog/types.ts";
import type { Database } from "./schema.ts";

/** One named value of a series, computed from stored fields. */
export interface SeriesField {
  /** The label in the chart. */
  label: string;
  /** The catalogue fields it reads (their tiers decide who may see it). */
  keys: readonly string[];
  /** SQL computing the value, given the SQL of each key's value; the first key alone by default. */
  combine?: (...values: string[]) => string;
}

/** A chartable metric. */
export interface Metric {
  type: EventType;
  unit: string;
  fields: readonly SeriesField[];
  /** Counters since subsystem start: chart their rate per second. */
  rate?: boolean;
}

const difference = (a: string, b: string) => `${a} - ${b}`;

/** The metrics the charts page offers. */
export const METRICS: Readonly<Record<string, Metric>> = {
  memory: {
    type: "system_statistics",
    unit: "bytes",
    fields: [
      {
        label: "used",
        keys: ["memory.total", "memory.available", "memory.free"],
        combine: (total, available, free) => `${total} - coalesce(${available}, ${free})`,
      },
      { label: "total", keys: ["memory.total"] },
      { label: "swap used", keys: ["swap.total", "swap.free"], combine: difference },
    ],
  },
  load: {
    type: "system_statistics",
    unit: "load",
    fields: [
      { label: "1 min", keys: ["load.1m"] },
      { label: "5 min", keys: ["load.5m"] },
      { label: "15 min", keys: ["load.15m"] },
    ],
  },
  disk: {
    type: "system_statistics",
    unit: "bytes",
    fields: [
      { label: "/ used", keys: ["root_fs.total", "root_fs.free"], combine: difference },
      { label: "/ size", keys: ["root_fs.total"] },
    ],
  },
  agent: {
    type: "system_statistics",
    unit: "bytes",
    fields: [{ label: "agent RSS", keys: ["agent.rss"] }],
  },
  file_activity: {
    type: "kernel_statistics",
    unit: "per second",
    rate: true,
    fields: [
      { label: "opens", keys: ["ipc.kauth_file_op.open"] },
      { label: "closes", keys: ["ipc.kauth.file_op.close"] },
      { label: "writes", keys: ["ipc.kauth.vnode.write"] },
      { label: "creates", keys: ["ipc.kauth.file_op.create"] },
      { label: "removes", keys: ["ipc.kauth.file_op.remove"] },
    ],
  },
};

/** The tier of a field of `type`, from the catalogue. */
function tierOf(type: EventType, key: string): Tier {
  const spec = keySpec(type, key);
  if (spec?.kind !== "field") throw new TypeError(`"${key}" is not a field of "${type}"`);
  return spec.spec.tier;
}

/** The highest tier a series field reads. */
function fieldTier(type: EventType, field: SeriesField): Tier {
  return field.keys.some((key) => tierOf(type, key) === "optional") ? "optional" : "required";
}

/** SQL of a series field's value, over `r` (the required part) and `o` (the optional part). */
function fieldSql(type: EventType, field: SeriesField): string {
  const values = field.keys.map((key) =>
    `json_extract(${tierOf(type, key) === "required" ? "r" : "o"}.fields, '$."${key}"')`
  );
  return field.combine ? field.combine(...values) : values[0]!;
}

/** The chart ranges offered, by name, with their span in ms. */
export const CHART_RANGES: Readonly<Record<string, number>> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "6h": 6 * 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** The named chart range ending now (a second ahead, so the newest event is in). */
export function rangeEndingNow(name: string): { since: number; until: number } {
  const span = CHART_RANGES[name];
  if (span === undefined) {
    throw new RangeError(
      `The range "${name}" is not one of ${Object.keys(CHART_RANGES).join(", ")}`,
    );
  }
  const until = Date.now() + 1000;
  return { since: until - span, until };
}

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
  const metric = METRICS[metricName];
  if (!metric) {
    throw new RangeError(
      `Unknown metric "${metricName}"; metrics are ${Object.keys(METRICS).join(", ")}`,
    );
  }
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
  const width = Math.max(1000, Math.ceil((until - since) / buckets));
  // Dense ranges are sampled (every stride-th event) so a chart never
  // reads more than a few values per bucket.
  const counted = await sql<{ n: number }>`SELECT count(*) AS n FROM event
    WHERE type = ${metric.type} AND time >= ${since} AND time < ${until}`.execute(db);
  const stride = Math.max(
    1,
    Math.floor(Number(counted.rows[0]?.n ?? 0) / (buckets * SAMPLES_PER_BUCKET)),
  );
  const joinOptional = fields.some((f) => fieldTier(metric.type, f) === "optional");
  const columns = fields.map((f, i) =>
    sql.raw(`${metric.rate ? "max" : "avg"}(${fieldSql(metric.type, f)}) AS v${i}`)
  );
  const rows = await sql<Record<string, number | null>>`
    SELECT ${bucketOf(since, width)} AS bucket, max(e.time) AS t,
      ${metric.rate ? sql.raw("json_extract(r.fields, '$.instance_id') AS instance,") : sql.raw("")}
      ${sql.join(columns)}
    FROM event e
    JOIN event_part r ON r.tier = 'required' AND r.event_id = e.id
    ${
    joinOptional
      ? sql.raw("JOIN event_part o ON o.tier = 'optional' AND o.event_id = e.id")
      : sql.raw("")
  }
    WHERE e.type = ${metric.type} AND e.time >= ${since} AND e.time < ${until}
      AND (${stride} = 1 OR e.id % ${stride} = 0)
    GROUP BY bucket ${metric.rate ? sql.raw(", instance") : sql.raw("")}
    ORDER BY t`.execute(db);
  const times: number[] = [];
  const values: (number | null)[][] = fields.map(() => []);
  let previous: { t: number; instance: unknown; v: (number | null)[] } | null = null;
  for (const row of rows.rows) {
    const t = Number(row.t);
    const v = fields.map((_, i) => (row[`v${i}`] === null ? null : Number(row[`v${i}`])));
    if (metric.rate) {
      // Counters restart with each subsystem instance: no rate across it.
      if (previous && previous.instance === row.instance && t > previous.t) {
        times.push(Math.round(t / 1000));
        v.forEach((value, i) => {
          const before = previous!.v[i];
          values[i]!.push(
            value === null || before === null || before === undefined
              ? null
              : Math.max(0, (value - before) / ((t - previous!.t) / 1000)),
          );
        });
      }
      previous = { t, instance: row.instance, v };
    } else {
      times.push(Math.round(t / 1000));
      v.forEach((value, i) => values[i]!.push(value));
    }
  }
  series.data = [times, ...values];
  if (times.length === 0) series.note = "No data in this range yet.";
  return series;
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
