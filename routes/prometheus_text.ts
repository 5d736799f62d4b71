/**
 * Prometheus' text exposition format (version 0.0.4), written here: each
 * metric family once, its HELP and TYPE lines, then its samples with their
 * labels. Counters and gauges are all /metrics serves; `promtool check
 * metrics` reads what this writes in the tests.
 *
 * @module
 */

/** The content type of the text format. */
export const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

/** The kind of a metric family. */
export type MetricKind = "counter" | "gauge";

/** One sample: its labels and value. */
export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

interface Family {
  kind: MetricKind;
  help: string;
  samples: Sample[];
}

/** A HELP text: backslashes and line breaks escaped. */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** A label value: backslashes, quotes and line breaks escaped. */
function escapeLabel(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** A value as the format writes it: Go's float text, with +Inf, -Inf and NaN spelt out. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Metric families gathered for one scrape, written out once. */
export class PrometheusText {
  readonly #families = new Map<string, Family>();

  /**
   * Adds a sample of family `name` (declared by the first sample's `kind`
   * and `help`). A counter's sample is its total, never below zero.
   */
  add(name: string, kind: MetricKind, help: string, sample: Sample): void {
    if (!NAME.test(name)) throw new RangeError(`"${name}" is not a Prometheus metric name`);
    for (const label of Object.keys(sample.labels)) {
      if (!LABEL.test(label) || label.startsWith("__")) {
        throw new RangeError(`"${label}" is not a Prometheus label name`);
      }
    }
    if (kind === "counter" && !(sample.value >= 0)) {
      throw new RangeError(`Counter "${name}" cannot be ${sample.value}`);
    }
    let family = this.#families.get(name);
    if (!family) {
      family = { kind, help, samples: [] };
      this.#families.set(name, family);
    }
    family.samples.push(sample);
  }

  /** The text of every family, in the order they were first added. */
  text(): string {
    const lines: string[] = [];
    for (const [name, family] of this.#families) {
      lines.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.kind}`);
      for (const { labels, value } of family.samples) {
        const pairs = Object.entries(labels).map(([key, v]) => `${key}="${escapeLabel(v)}"`);
        lines.push(`${name}${pairs.length ? `{${pairs.join(",")}}` : ""} ${formatValue(value)}`);
      }
    }
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }
}
