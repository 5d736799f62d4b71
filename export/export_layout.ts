/**
 * How an export is laid out in lines, in both formats: written here by the
 * export and read back here by `verify`, so that the two cannot drift.
 *
 * NDJSON: one record a line, `{"record":"manifest",…}`, then
 * `{"record":"event",…}` per event, then `{"record":"trailer",…}`.
 * JSON: one document, `{"manifest":{…},` then `"events":[`, one event a
 * line (`,` between them), `],` and `"trailer":{…}}`.
 *
 * @module
 */

/** A format of the export. */
export type LayoutFormat = "json" | "ndjson";

const JSON_MANIFEST = '{"manifest":';
const JSON_OPEN = '"events":[';
const JSON_CLOSE = "],";
const JSON_TRAILER = '"trailer":';
const NDJSON_START = '{"record":';

/** The opening: the manifest (as JSON text) and, for JSON, the start of the event list. */
export function manifestLines(format: LayoutFormat, manifest: string): string {
  return format === "ndjson"
    ? `${NDJSON_START}"manifest","manifest":${manifest}}\n`
    : `${JSON_MANIFEST}${manifest},\n${JSON_OPEN}`;
}

/** Event `seq` (1 for the first) with its hash-chain link and its canonical JSON. */
export function eventLine(format: LayoutFormat, seq: number, hash: string, event: string): string {
  const record = `"seq":${seq},"hash":"${hash}","event":${event}}`;
  return format === "ndjson"
    ? `${NDJSON_START}"event",${record}\n`
    : `${seq > 1 ? ",\n" : "\n"}{${record}`;
}

/** The closing: the trailer (as JSON text) after `count` events. */
export function trailerLines(format: LayoutFormat, trailer: string, count: number): string {
  return format === "ndjson"
    ? `${NDJSON_START}"trailer","trailer":${trailer}}\n`
    : `${count > 0 ? "\n" : ""}${JSON_CLOSE}\n${JSON_TRAILER}${trailer}}\n`;
}

/** The format a first line announces, or null when it is not an export's. */
export function formatOfFirstLine(line: string): LayoutFormat | null {
  if (line.startsWith(NDJSON_START)) return "ndjson";
  if (line.startsWith(JSON_MANIFEST)) return "json";
  return null;
}

/** What one line of the JSON document layout holds. */
export type JsonLine =
  | { kind: "manifest"; value: string }
  | { kind: "event"; value: string }
  | { kind: "trailer"; value: string }
  | { kind: "open" }
  | { kind: "blank" }
  | { kind: "close" };

/** Unwraps line `index` (0 for the first) of the JSON document layout; null when it fits none. */
export function unwrapJsonLine(line: string, index: number): JsonLine | null {
  if (index === 0) {
    return line.startsWith(JSON_MANIFEST) && line.endsWith(",")
      ? { kind: "manifest", value: line.slice(JSON_MANIFEST.length, -1) }
      : null;
  }
  if (index === 1) return line === JSON_OPEN ? { kind: "open" } : null;
  if (line === "") return { kind: "blank" };
  if (line === JSON_CLOSE) return { kind: "close" };
  if (line.startsWith(JSON_TRAILER) && line.endsWith("}")) {
    return { kind: "trailer", value: line.slice(JSON_TRAILER.length, -1) };
  }
  if (line.startsWith("{")) {
    return { kind: "event", value: line.endsWith(",") ? line.slice(0, -1) : line };
  }
  return null;
}
