/**
 * `vitrine export`: the audit export, to a file or stdout.
 *
 * @module
 */
import { lastDeletionAt } from "../store/delete_all_data.ts";
import { currentPolicy } from "../policy/current_policy.ts";
import {
  ExportAbortedError,
  exportEvents,
  exportFormat,
  type ExportProgress,
} from "../export/export_events.ts";
import { gzipStream, utf8Stream } from "../export/gzip_stream.ts";
import { createPrivateFile } from "../files/private_file.ts";
import { asStoreError } from "../store/store_error.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags, filterFromFlags } from "./parse_flags.ts";

/** Help text. */
export const EXPORT_HELP = `vitrine export: write the audit export

Usage: vitrine export [--out FILE] [flags]

  --out FILE         write here (default: standard output)
  --format F         json (one document, default) or ndjson (one record a line)
  --gzip             compress with gzip
  --tier TIER        required or optional only
  --type TYPE        one event type only
  --since TIME       from this time (ISO 8601 or epoch ms)
  --until TIME       before this time
  --data-dir DIR     the agent's data directory
  --managed-config FILE
  -h, --help         this text

The export opens with a manifest (identity, catalogue, policy, filter,
counts) and closes with a trailer holding the head of a hash chain over
every record; check it with \`vitrine verify FILE\`. It never holds a field
that the policy in effect withholds. On a terminal, progress is shown on
standard error.`;

function progressPrinter(): (p: ExportProgress, bytes: number) => void {
  const started = performance.now();
  let last = 0;
  return (p, bytes) => {
    const now = performance.now();
    if (now - last < 100 && p.records < p.total) return;
    last = now;
    const seconds = Math.max(0.001, (now - started) / 1000);
    const share = p.total > 0 ? p.records / p.total : 1;
    const width = 24;
    const filled = Math.round(share * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const line = `\r${bar} ${p.records.toLocaleString("en-US")}/${
      p.total.toLocaleString("en-US")
    } records  ${(bytes / 1048576).toFixed(1)} MiB  ${
      Math.round(p.records / seconds).toLocaleString("en-US")
    } rec/s `;
    Deno.stderr.writeSync(new TextEncoder().encode(line));
  };
}

/**
 * Writes a stream of text through one reused buffer, so that memory stays
 * flat whatever the size (a fresh buffer per chunk piled up until the
 * collector came by). Returns the bytes written.
 */
async function writeText(
  text: ReadableStream<string>,
  to: { write(bytes: Uint8Array): Promise<number> },
): Promise<number> {
  let buffer = new Uint8Array(1024 * 1024);
  let written = 0;
  for await (const chunk of text) {
    // A UTF-8 character takes at most three bytes per UTF-16 unit.
    if (chunk.length * 3 > buffer.length) buffer = new Uint8Array(chunk.length * 3);
    const { written: length } = new TextEncoder().encodeInto(chunk, buffer);
    let offset = 0;
    while (offset < length) offset += await to.write(buffer.subarray(offset, length));
    written += length;
  }
  return written;
}

/** Writes an export. */
export async function exportCommand(args: string[]): Promise<number> {
  const flags = commandFlags("export", args, EXPORT_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  const format = exportFormat(values.format);
  const filter = filterFromFlags("export", values);
  const data = await openDataFromFlags(values);
  const out = values.out ?? null;
  const showProgress = Deno.stderr.isTerminal();
  const print = showProgress ? progressPrinter() : null;
  let bytes = 0;
  let progress: ExportProgress = { records: 0, total: 0 };
  try {
    const text = exportEvents(
      data.store,
      data.policy,
      data.identity,
      { format, ...filter },
      {
        onProgress: (p) => {
          progress = p;
          print?.(p, bytes);
        },
        // A level lowered while the export runs stops it.
        policyNow: () => currentPolicy(data.store.db, data.policy.managedFile),
        deletedAt: () => lastDeletionAt(data.store.db),
      },
    );
    const destination = out ? await createPrivateFile(`${out}.partial`) : Deno.stdout;
    if (values.gzip) {
      const counted = gzipStream(utf8Stream(text)).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytes += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      );
      // The file is closed by the pipe once the last compressed bytes are in.
      await counted.pipeTo(destination.writable, { preventClose: !out });
    } else {
      try {
        bytes = await writeText(text, destination);
      } finally {
        if (out) (destination as Deno.FsFile).close();
      }
    }
    if (out) await Deno.rename(`${out}.partial`, out);
  } catch (error) {
    if (out) await Deno.remove(`${out}.partial`).catch(() => {});
    if (showProgress) console.error("");
    if (error instanceof ExportAbortedError) {
      console.error(`vitrine export: ${error.message}`);
      return 1;
    }
    throw asStoreError(error, data.store.path);
  } finally {
    await data.store.close();
  }
  if (showProgress) {
    print?.(progress, bytes);
    console.error(`\nExported ${progress.records} events${out ? ` to ${out}` : ""}.`);
  }
  return 0;
}
