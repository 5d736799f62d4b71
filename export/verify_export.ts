/**
 * Checks an export: schema, order, counts and hash chain.
 *
 * @module
 */
import { Ajv } from "ajv";
import { canonicalJson } from "../store/canonical_json.ts";
import { catalogHash } from "./export_events.ts";
import { ndjsonRecordSchema } from "./export_schema.ts";
import { gunzipStream } from "./gzip_stream.ts";
import { nextLink, sha256Hex } from "./hash_chain.ts";

/** The outcome of a verification. */
export interface VerifyReport {
  ok: boolean;
  format: "json" | "ndjson" | "unknown";
  gzip: boolean;
  /** Event records read before the verdict. */
  records: number;
  catalogVersion?: string;
  catalogMatches?: boolean;
  exportedAt?: string;
  chainHead?: string;
  /** Where the first problem is: record number (0 = manifest), line, what. */
  problem?: { record: number; line: number; message: string };
}

interface ManifestSummary {
  counts: { total: number };
  catalog_version: string;
  catalog_sha256: string;
  exported_at: string;
}

let validators: { record: (data: unknown) => boolean; errors: () => string } | null = null;

function recordValidator(): NonNullable<typeof validators> {
  if (validators) return validators;
  const ajv = new Ajv({ allErrors: false, strict: false });
  const validate = ajv.compile(ndjsonRecordSchema());
  validators = {
    record: (data) => validate(data) as boolean,
    errors: () => ajv.errorsText(validate.errors, { dataVar: "record" }),
  };
  return validators;
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (
    const chunk of stream.pipeThrough(
      new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>,
    )
  ) {
    rest += chunk;
    let index: number;
    while ((index = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, index);
      rest = rest.slice(index + 1);
    }
  }
  if (rest.length > 0) yield rest;
}

async function sniffGzip(
  stream: ReadableStream<Uint8Array>,
): Promise<{ gzip: boolean; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const first = await reader.read();
  const head = first.value ?? new Uint8Array();
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const rebuilt = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done && head.length > 0) controller.enqueue(head);
      if (first.done) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { gzip, stream: gzip ? gunzipStream(rebuilt) : rebuilt };
}

/** Unwraps one line of the JSON document layout that exports are written in. */
function jsonLayoutRecord(line: string, index: number): { kind: string; value: string } | null {
  if (index === 0) {
    const match = /^\{"manifest":(.*),$/.exec(line);
    return match ? { kind: "manifest", value: match[1]! } : null;
  }
  if (index === 1) return line === '"events":[' ? { kind: "open", value: "" } : null;
  if (line === "") return { kind: "blank", value: "" };
  if (line === "],") return { kind: "close", value: "" };
  const trailer = /^"trailer":(.*)\}$/.exec(line);
  if (trailer) return { kind: "trailer", value: trailer[1]! };
  if (line.startsWith("{")) {
    return { kind: "event", value: line.endsWith(",") ? line.slice(0, -1) : line };
  }
  return null;
}

/**
 * Verifies an export from `input`, in either format, gzipped or not.
 * Memory stays flat: records are checked one line at a time.
 */
export async function verifyExport(input: ReadableStream<Uint8Array>): Promise<VerifyReport> {
  const { gzip, stream } = await sniffGzip(input);
  const report: VerifyReport = { ok: false, format: "unknown", gzip, records: 0 };
  const validator = recordValidator();
  let lineNumber = 0;
  let link = "";
  let manifestHash = "";
  let manifest: ManifestSummary | null = null;
  let trailerSeen = false;
  let closed = false;
  const fail = (record: number, message: string): VerifyReport => {
    report.problem = { record, line: lineNumber, message };
    return report;
  };
  try {
    for await (const line of lines(stream)) {
      lineNumber++;
      if (report.format === "unknown") {
        if (line.startsWith('{"record":')) report.format = "ndjson";
        else if (line.startsWith('{"manifest":')) report.format = "json";
        else {return fail(
            0,
            "The file does not start with a vitrine manifest: it is not a vitrine export",
          );}
      }
      let record: Record<string, unknown>;
      if (report.format === "ndjson") {
        if (line === "") {
          if (trailerSeen) continue;
          return fail(report.records + 1, "Blank line inside the export");
        }
        try {
          record = JSON.parse(line);
        } catch {
          return fail(
            report.records + 1,
            `Line ${lineNumber} is not complete JSON (the file may be truncated)`,
          );
        }
      } else {
        const unwrapped = jsonLayoutRecord(line, lineNumber - 1);
        if (unwrapped === null) {
          return fail(
            report.records + 1,
            `Line ${lineNumber} does not follow the export's layout (the file may be truncated or edited)`,
          );
        }
        if (unwrapped.kind === "open" || unwrapped.kind === "blank") continue;
        if (unwrapped.kind === "close") {
          closed = true;
          continue;
        }
        try {
          const value = JSON.parse(unwrapped.value);
          record = unwrapped.kind === "manifest"
            ? { record: "manifest", manifest: value }
            : unwrapped.kind === "trailer"
            ? { record: "trailer", trailer: value }
            : { record: "event", ...value };
        } catch {
          return fail(
            report.records + 1,
            `Line ${lineNumber} is not complete JSON (the file may be truncated)`,
          );
        }
        if (record.record === "trailer" && !closed) {
          return fail(report.records + 1, "The event list is not closed before the trailer");
        }
      }
      if (trailerSeen) return fail(report.records + 1, "Content follows the trailer");
      if (!validator.record(record)) {
        const position = record.record === "manifest"
          ? 0
          : report.records + (record.record === "event" ? 1 : 0);
        return fail(position, `Record does not match the export schema: ${validator.errors()}`);
      }
      if (record.record === "manifest") {
        if (manifest !== null) {
          return fail(report.records + 1, "A second manifest appears inside the export");
        }
        manifest = record.manifest as ManifestSummary;
        manifestHash = sha256Hex(canonicalJson(record.manifest));
        link = manifestHash;
        report.catalogVersion = manifest.catalog_version;
        report.catalogMatches = manifest.catalog_sha256 === catalogHash();
        report.exportedAt = manifest.exported_at;
        continue;
      }
      if (manifest === null) return fail(0, "The export has no manifest before its records");
      if (record.record === "event") {
        const expected = report.records + 1;
        if (record.seq !== expected) {
          return fail(
            expected,
            `Record ${expected} carries sequence number ${record.seq}: a record was removed, added or moved here`,
          );
        }
        link = nextLink(link, record.event);
        if (record.hash !== link) {
          return fail(
            expected,
            expected === 1
              ? "Record 1 does not match its hash: it or the manifest was changed"
              : `Record ${expected} does not match its hash: it was changed, or the records before it were altered`,
          );
        }
        report.records = expected;
        continue;
      }
      // The trailer.
      const trailer = record.trailer as {
        count: number;
        manifest_sha256: string;
        chain_head: string;
      };
      trailerSeen = true;
      if (trailer.manifest_sha256 !== manifestHash) {
        return fail(0, "The manifest was changed: its hash differs from the one in the trailer");
      }
      if (trailer.count !== report.records) {
        return fail(
          report.records,
          `The trailer counts ${trailer.count} records but the export holds ${report.records}`,
        );
      }
      if (manifest.counts.total !== report.records) {
        return fail(
          report.records,
          `The manifest announces ${manifest.counts.total} records but the export holds ${report.records}`,
        );
      }
      if (trailer.chain_head !== link) {
        return fail(report.records, "The trailer's chain head does not match the records");
      }
      report.chainHead = link;
    }
  } catch (error) {
    return fail(
      report.records + 1,
      `The file cannot be read as an export: ${(error as Error).message}`,
    );
  }
  if (manifest === null) return fail(0, "The file is empty or has no manifest");
  if (!trailerSeen) {
    return fail(
      report.records + 1,
      `The export ends after record ${report.records} without its trailer: it was truncated`,
    );
  }
  report.ok = true;
  return report;
}
