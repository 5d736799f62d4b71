/**
 * `vitrine verify FILE`: check an export.
 *
 * @module
 */
import { verifyExport } from "../export/verify_export.ts";
import { commandFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const VERIFY_HELP = `vitrine verify: check that an export is intact

Usage: vitrine verify FILE [--json]

Takes either format (json or ndjson), gzipped or not. Checks every record
against the export schema, the sequence of records, the counts, and the hash
chain from the manifest to the trailer. Exit 0 when intact; 1 with the
position of the first bad record and what is wrong with it otherwise.

  --json      print the report as JSON
  -h, --help  this text`;

/** Verifies a file. */
export async function verifyCommand(args: string[]): Promise<number> {
  const flags = commandFlags("verify", args, VERIFY_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  if (positionals.length !== 1) {
    throw new UsageError("vitrine verify: name exactly one export FILE (`-` for standard input)");
  }
  const path = positionals[0]!;
  let input: ReadableStream<Uint8Array>;
  if (path === "-") input = Deno.stdin.readable;
  else {
    try {
      input = (await Deno.open(path)).readable;
    } catch (error) {
      throw new UsageError(`vitrine verify: cannot open "${path}": ${(error as Error).message}`);
    }
  }
  const report = await verifyExport(input);
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else if (report.ok) {
    console.log(
      `Intact: ${report.records} records, ${report.format}${
        report.gzip ? " (gzip)" : ""
      }, exported ${report.exportedAt}, catalogue ${report.catalogVersion}${
        report.catalogMatches ? "" : " (differs from this vitrine's catalogue)"
      }, chain head ${report.chainHead}`,
    );
  } else {
    const p = report.problem!;
    console.error(
      `Not intact: ${
        p.record === 0 ? "manifest" : `record ${p.record}`
      } (line ${p.line}): ${p.message}`,
    );
  }
  return report.ok ? 0 : 1;
}
