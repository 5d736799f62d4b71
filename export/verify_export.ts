/**
 * Checks an export: schema, order, counts and hash chain.
 *
 * @module
 */
import { Ajv } from "ajv";
import { ChainCheck, type Problem } from "./chain_check.ts";
import { catalogHash } from "./export_events.ts";
import { formatOfFirstLine } from "./export_layout.ts";
import { ndjsonRecordSchema } from "./export_schema.ts";
import { gunzipStream } from "./gzip_stream.ts";
import { decodeJsonLine, decodeNdjsonLine } from "./verify_lines.ts";

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
        const format = formatOfFirstLine(line);
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
