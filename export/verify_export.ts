/**
 * Checks an export: schema, order, counts and hash chain.
 *
 * @module
 */
import { Ajv } from "ajv";
import { canonicalJson } from "../store/canonical_json.ts";
import { catalogHash, type Trailer } from "./export_events.ts";
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

/** Where a problem is: the record number (0 = manifest) and what is wrong. */
export interface Problem {
  record: number;
  message: string;
}

/** What one line holds: a record, nothing (layout only), or a problem. */
export type Decoded =
  | { kind: "record"; record: Record<string, unknown> }
  | { kind: "layout" }
  | { kind: "problem"; problem: Problem };

const LAYOUT: Decoded = { kind: "layout" };

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

function problemAt(record: number, message: string): Decoded {
  return { kind: "problem", problem: { record, message } };
}

/** Parses `text` into a record with `wrap`, or says that line `lineNumber` is not complete JSON. */
function parsed(
  text: string,
  lineNumber: number,
  next: number,
  wrap: (value: unknown) => Record<string, unknown>,
): Decoded {
  try {
    return { kind: "record", record: wrap(JSON.parse(text)) };
  } catch {
    return problemAt(next, `Line ${lineNumber} is not complete JSON (the file may be truncated)`);
  }
}

/** Decodes line `lineNumber` of an NDJSON export; `next` is the number the next record would have. */
export function decodeNdjsonLine(
  line: string,
  lineNumber: number,
  next: number,
  ended: boolean,
): Decoded {
  if (line === "") return ended ? LAYOUT : problemAt(next, "Blank line inside the export");
  return parsed(line, lineNumber, next, (value) => value as Record<string, unknown>);
}

/** Decodes one line of a JSON-document export; `layout` remembers whether the event list closed. */
export function decodeJsonLine(
  line: string,
  lineNumber: number,
  next: number,
  layout: { closed: boolean },
): Decoded {
  const unwrapped = jsonLayoutRecord(line, lineNumber - 1);
  if (unwrapped === null) {
    return problemAt(
      next,
      `Line ${lineNumber} does not follow the export's layout (the file may be truncated or edited)`,
    );
  }
  if (unwrapped.kind === "open" || unwrapped.kind === "blank") return LAYOUT;
  if (unwrapped.kind === "close") {
    layout.closed = true;
    return LAYOUT;
  }
  if (unwrapped.kind === "trailer" && !layout.closed) {
    return problemAt(next, "The event list is not closed before the trailer");
  }
  return parsed(
    unwrapped.value,
    lineNumber,
    next,
    (value) =>
      unwrapped.kind === "manifest"
        ? { record: "manifest", manifest: value }
        : unwrapped.kind === "trailer"
        ? { record: "trailer", trailer: value }
        : { record: "event", ...(value as Record<string, unknown>) },
  );
}

/** Checks the records in order: one manifest, then events along the hash chain, then the trailer. */
export class ChainCheck {
  records = 0;
  ended = false;
  manifest: ManifestSummary | null = null;
  #link = "";
  #manifestHash = "";

  get head(): string {
    return this.#link;
  }

  /** The next record's problem, or null when it fits. */
  check(record: Record<string, unknown>): Problem | null {
    const next = this.records + 1;
    if (this.ended) return { record: next, message: "Content follows the trailer" };
    if (record.record === "manifest") {
      if (this.manifest !== null) {
        return { record: next, message: "A second manifest appears inside the export" };
      }
      this.manifest = record.manifest as ManifestSummary;
      this.#manifestHash = sha256Hex(canonicalJson(record.manifest));
      this.#link = this.#manifestHash;
      return null;
    }
    if (this.manifest === null) {
      return { record: 0, message: "The export has no manifest before its records" };
    }
    return record.record === "event" ? this.#event(record, next) : this.#trailer(record);
  }

  #event(record: Record<string, unknown>, expected: number): Problem | null {
    if (record.seq !== expected) {
      return {
        record: expected,
        message:
          `Record ${expected} carries sequence number ${record.seq}: a record was removed, added or moved here`,
      };
    }
    this.#link = nextLink(this.#link, record.event);
    if (record.hash !== this.#link) {
      return {
        record: expected,
        message: expected === 1
          ? "Record 1 does not match its hash: it or the manifest was changed"
          : `Record ${expected} does not match its hash: it was changed, or the records before it were altered`,
      };
    }
    this.records = expected;
    return null;
  }

  #trailer(record: Record<string, unknown>): Problem | null {
    const trailer = record.trailer as Trailer;
    this.ended = true;
    const at = (message: string) => ({ record: this.records, message });
    if (trailer.manifest_sha256 !== this.#manifestHash) {
      return {
        record: 0,
        message: "The manifest was changed: its hash differs from the one in the trailer",
      };
    }
    if (trailer.count !== this.records) {
      return at(`The trailer counts ${trailer.count} records but the export holds ${this.records}`);
    }
    if (this.manifest!.counts.total !== this.records) {
      return at(
        `The manifest announces ${
          this.manifest!.counts.total
        } records but the export holds ${this.records}`,
      );
    }
    if (trailer.chain_head !== this.#link) {
      return at("The trailer's chain head does not match the records");
    }
    return null;
  }

  /** The problem of an export that ended here, or null when it was complete. */
  finish(): Problem | null {
    if (this.manifest === null) {
      return { record: 0, message: "The file is empty or has no manifest" };
    }
    if (!this.ended) {
      return {
        record: this.records + 1,
        message:
          `The export ends after record ${this.records} without its trailer: it was truncated`,
      };
    }
    return null;
  }
}

/** The format an export's first line announces, or null when it is not an export. */
function formatOf(line: string): "json" | "ndjson" | null {
  if (line.startsWith('{"record":')) return "ndjson";
  if (line.startsWith('{"manifest":')) return "json";
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
  const chain = new ChainCheck();
  const layout = { closed: false };
  let lineNumber = 0;
  const fail = (problem: Problem): VerifyReport => {
    report.records = chain.records;
    report.problem = { ...problem, line: lineNumber };
    return report;
  };
  try {
    for await (const line of lines(stream)) {
      lineNumber++;
      if (report.format === "unknown") {
        const format = formatOf(line);
        if (format === null) {
          return fail({
            record: 0,
            message: "The file does not start with a vitrine manifest: it is not a vitrine export",
          });
        }
        report.format = format;
      }
      const next = chain.records + 1;
      const decoded = report.format === "ndjson"
        ? decodeNdjsonLine(line, lineNumber, next, chain.ended)
        : decodeJsonLine(line, lineNumber, next, layout);
      if (decoded.kind === "layout") continue;
      if (decoded.kind === "problem") return fail(decoded.problem);
      const { record } = decoded;
      if (!chain.ended && !validator.record(record)) {
        const position = record.record === "manifest"
          ? 0
          : chain.records + (record.record === "event" ? 1 : 0);
        return fail({
          record: position,
          message: `Record does not match the export schema: ${validator.errors()}`,
        });
      }
      const problem = chain.check(record);
      if (problem) return fail(problem);
      if (record.record === "manifest") {
        const manifest = chain.manifest!;
        report.catalogVersion = manifest.catalog_version;
        report.catalogMatches = manifest.catalog_sha256 === catalogHash();
        report.exportedAt = manifest.exported_at;
      }
    }
  } catch (error) {
    return fail({
      record: chain.records + 1,
      message: `The file cannot be read as an export: ${(error as Error).message}`,
    });
  }
  const problem = chain.finish();
  if (problem) return fail(problem);
  report.records = chain.records;
  report.chainHead = chain.head;
  report.ok = true;
  return report;
}
