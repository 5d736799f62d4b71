/**
 * The detections ClamAV logs: clamd (LogFile, with or without LogTime),
 * clamonacc and `clamscan --log` all write a line "PATH: SIGNATURE FOUND"
 * for each file a signature matched; clamd with ExtendedDetectionInfo
 * adds the file's MD5 and size, "SIGNATURE(md5:size)". Everything else in
 * those logs (scan summaries, clean files, errors) is passed over.
 *
 * A log line is a hostile writer's text: ClamAV writes file names as they
 * are, line breaks and all, so anyone who can name a file can write a line
 * that looks like a detection. A line is therefore only a claim, to be
 * confirmed by ClamAV itself on the bytes (see clamav_verdict.ts); and a
 * line whose path holds control characters or whose signature is not a
 * signature name is no claim at all: it is counted as malformed, and
 * nothing of it is kept.
 *
 * @module
 */
import { linesOf, LOG_TIME } from "./_log_lines.ts";
import { SIGNATURE_NAME } from "./clamav_verdict.ts";

/** One detection line: what the log claims. */
export interface Detection {
  /** The path as the log gives it (clamscan logs what it was given, so it may be relative). */
  path: string;
  /** The signature's name, such as "Win.Test.EICAR_HDB-1", in ClamAV's grammar. */
  signature: string;
  /** What ClamAV saw, when it logged it (ExtendedDetectionInfo): MD5 in hex and size in bytes. */
  seen: { md5: string; size: number } | null;
}

/** What the new lines of a detection log hold, and the bytes used. */
export interface DetectionReading {
  items: Detection[];
  /** Lines shaped like a detection that no ClamAV could have written; never read further. */
  malformed: number;
  /** Bytes up to the end of the last line read (all, unless `max` detections came first). */
  used: number;
}

const TIME = new RegExp(`^(?:${LOG_TIME.source})`);
// The path is everything before the last ": " (paths may hold ": ").
const FOUND = /^(?:ScanOnAccess: )?(.+): (\S+?)(?:\(([0-9a-f]{32}):(\d+)\))? FOUND$/;
// Control characters (a tab or an escape in a name), and U+FFFD for bytes that are not UTF-8.
// deno-lint-ignore no-control-regex
const UNTRUSTED_PATH = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

/**
 * The detections in `bytes` (whole lines of a log), `max` at most: the
 * bytes after the line of the last one are left for the next read.
 */
export function readDetections(bytes: Uint8Array, max = Infinity): DetectionReading {
  const items: Detection[] = [];
  let malformed = 0;
  for (const { text, start } of linesOf(bytes)) {
    if (items.length === max) return { items, malformed, used: start };
    // Only a line's end is trimmed of the carriage return a Windows-made log may carry.
    const line = text.replace(TIME, "").replace(/\r$/, "");
    const found = FOUND.exec(line);
    if (!found) continue;
    const [, path, signature, md5, size] = found;
    // clamd names a stream it was sent ("stream(127.0.0.1@41234)"), not a file: nothing to submit.
    if (/^stream(?:\(|$)/.test(path!)) continue;
    if (UNTRUSTED_PATH.test(path!) || !SIGNATURE_NAME.test(signature!)) {
      malformed++;
      continue;
    }
    items.push({
      path: path!,
      signature: signature!,
      seen: md5 !== undefined ? { md5, size: Number(size) } : null,
    });
  }
  return { items, malformed, used: bytes.length };
}
