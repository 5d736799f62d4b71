/**
 * The detections ClamAV logs: clamd (LogFile, with or without LogTime),
 * clamonacc and `clamscan --log` all write a line "PATH: SIGNATURE FOUND"
 * for each file a signature matched; clamd with ExtendedDetectionInfo
 * adds the file's MD5 and size, "SIGNATURE(md5:size)". Everything else in
 * those logs (scan summaries, clean files, errors) is passed over.
 *
 * @module
 */
import { linesOf, LOG_TIME } from "./_log_lines.ts";

/** One detection line. */
export interface Detection {
  /** The path as ClamAV logged it (clamscan logs what it was given, so it may be relative). */
  path: string;
  /** The signature's name, such as "Win.Test.EICAR_HDB-1". */
  signature: string;
  /** What ClamAV saw, when it logged it (ExtendedDetectionInfo): MD5 in hex and size in bytes. */
  seen: { md5: string; size: number } | null;
}

/** What the new lines of a detection log hold, and the bytes used. */
export interface DetectionReading {
  items: Detection[];
  /** Bytes up to the end of the last line read (all, unless `max` detections came first). */
  used: number;
}

const TIME = new RegExp(`^(?:${LOG_TIME.source})`);
// The path is everything before the last ": " (paths may hold ": "); signature names hold no spaces.
const FOUND = /^(?:ScanOnAccess: )?(.+): ([^\s:()]+)(?:\(([0-9a-f]{32}):(\d+)\))? FOUND$/;

/**
 * The detections in `bytes` (whole lines of a log), `max` at most: the
 * bytes after the line of the last one are left for the next read.
 */
export function readDetections(bytes: Uint8Array, max = Infinity): DetectionReading {
  const items: Detection[] = [];
  for (const { text, start } of linesOf(bytes)) {
    if (items.length === max) return { items, used: start };
    const line = text.replace(TIME, "").trimEnd();
    const found = FOUND.exec(line);
    if (!found) continue;
    const [, path, signature, md5, size] = found;
    // clamd names a stream it was sent ("stream(127.0.0.1@41234)"), not a file: nothing to submit.
    if (/^stream(?:\(|$)/.test(path!)) continue;
    items.push({
      path: path!,
      signature: signature!,
      seen: md5 !== undefined ? { md5, size: Number(size) } : null,
    });
  }
  return { items, used: bytes.length };
}
