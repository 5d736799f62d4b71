/**
 * Lines of ClamAV's logs (freshclam's, clamd's and clamscan's), with the
 * byte offset where each starts, and the time stamp ClamAV puts before a
 * line with LogTime.
 *
 * @module
 */

/** The most of one line read; the rest of a longer line is ignored. */
const MAX_LINE_BYTES = 4096;

const NEWLINE = 0x0a;

/** A log time stamp as ClamAV writes it with LogTime ("Tue Nov 24 06:26:00 2026 -> "). */
export const LOG_TIME = /[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d \d{4} -> /g;

/** The lines of `bytes` with the byte offset where each starts. */
export function linesOf(bytes: Uint8Array): { text: string; start: number }[] {
  const decoder = new TextDecoder();
  const lines: { text: string; start: number }[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    // Bytes that are not UTF-8 become U+FFFD; offsets stay those of the bytes.
    lines.push({
      text: decoder.decode(bytes.subarray(start, Math.min(end, start + MAX_LINE_BYTES))),
      start,
    });
    start = end + 1;
  }
  return lines;
}
