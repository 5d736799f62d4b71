/**
 * What vitrine reads of freshclam, ClamAV's updater: whether its
 * configuration sends downloads through a proxy, and the failed updates
 * its log reports.
 *
 * @module
 */
import { linesOf, LOG_TIME } from "./_log_lines.ts";

/** Whether a freshclam configuration names an HTTP proxy (an uncommented HTTPProxyServer). */
export function usesProxy(configuration: string): boolean {
  return /^[ \t]*HTTPProxyServer[ \t]+\S+/m.test(configuration);
}

/** A failed update found in the log. */
export interface FailedUpdate {
  /** The numeric error, as freshclam's exit codes number it, when the log names one. */
  error: number | null;
  /** The log's words for it. */
  reason: string;
  /** The version the update aimed for, when the log said so. */
  toVersion: string | null;
}

/**
 * freshclam's own error names (from its log) and the exit codes its manual
 * gives for them.
 */
const ERROR_CODES: Record<string, number> = {
  FC_ECONNECTION: 52,
  FC_EBADCVD: 54,
  FC_ETESTFAIL: 54,
  FC_EFILE: 55,
  FC_ECONFIG: 56,
  FC_EDBDIRACCESS: 57,
  FC_EFAILEDGET: 58,
  FC_EMIRRORNOTSYNC: 59,
  FC_ELOGGING: 62,
};

/** The words of a log line, without time stamps and level markers. */
function wordsOf(line: string): string {
  return line.replace(LOG_TIME, " ").replace(/\s+/g, " ").trim();
}

/** Lines that end an update run, whatever its outcome. */
const RUN_ENDS = /Update failed\.|update process failed|is up.to.date|updated \(version/i;

/** What the new lines of a log hold. */
export interface LogReading {
  failures: FailedUpdate[];
  /**
   * How many bytes were used: up to the start of an update run still under
   * way (read again next time), or all of them.
   */
  used: number;
}

/**
 * The failed updates in `bytes` (new, whole lines of the log): one per
 * update run with ERROR lines, with freshclam's summary as the reason and
 * its first complaint as the cause, and the remote version the run
 * announced as the version it aimed for. Offsets are bytes, whatever the
 * log holds.
 */
export function readFreshclamLog(bytes: Uint8Array): LogReading {
  const runs: { start: number; lines: string[] }[] = [{ start: 0, lines: [] }];
  for (const { text: line, start } of linesOf(bytes)) {
    // A run begins with freshclam's dashed separator, or with its first words.
    const separator = /-> -{10,}\s*$/.test(line);
    const started = /update process started/i.test(line);
    const current = runs.at(-1)!;
    const onlySeparator = current.lines.length === 1 && /-> -{10,}\s*$/.test(current.lines[0]!);
    if (separator || (started && !onlySeparator)) runs.push({ start, lines: [] });
    runs.at(-1)!.lines.push(line);
  }
  let used = bytes.length;
  const last = runs.at(-1)!;
  if (runs.length > 1 && !last.lines.some((line) => RUN_ENDS.test(line))) {
    runs.pop();
    used = last.start;
  }
  const failures: FailedUpdate[] = [];
  for (const run of runs) {
    let aimedFor: string | null = null;
    const errors: string[] = [];
    for (const raw of run.lines) {
      const line = wordsOf(raw);
      const remote = /daily database available for (?:update|download).*remote version: (\d+)/i
        .exec(line);
      if (remote) aimedFor = remote[1]!;
      // freshclam may put several ERROR messages on one line.
      for (const part of line.split(/(?:^|\s)ERROR:\s*/).slice(1)) {
        if (part.trim()) errors.push(part.trim());
      }
    }
    if (errors.length === 0) continue;
    const summary = errors.find((e) => /update process failed/i.test(e)) ?? errors.at(-1)!;
    const cause = errors[0] === summary ? null : errors.slice(0, 2).join(" ");
    failures.push({
      error: codeOf(errors.join(" ")),
      reason: cause ? `${summary} (${cause})` : summary,
      toVersion: aimedFor,
    });
  }
  return { failures, used };
}

/** freshclam's number for what `text` (its complaints) says, the most telling first. */
function codeOf(text: string): number | null {
  const named = /\b(FC_E[A-Z]+)\b/.exec(text)?.[1];
  if (named && named in ERROR_CODES) return ERROR_CODES[named]!;
  // A connection that failed explains the download that failed after it.
  if (/connection failed|can't connect|couldn't connect|could not connect/i.test(text)) return 52;
  if (/verification|signature|md5/i.test(text)) return 54;
  if (/HTTP GET failed|download failed/i.test(text)) return 58;
  return null;
}
