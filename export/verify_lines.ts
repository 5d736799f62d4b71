/**
 * The lines of an export read back as records, in either format, with the
 * layout the export writes (see export_layout.ts).
 *
 * @module
 */
import type { Problem } from "./chain_check.ts";
import { unwrapJsonLine } from "./export_layout.ts";

/** What one line holds: a record, nothing (layout only), or a problem. */
export type Decoded =
  | { kind: "record"; record: Record<string, unknown> }
  | { kind: "layout" }
  | { kind: "problem"; problem: Problem };

const LAYOUT: Decoded = { kind: "layout" };

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
  const unwrapped = unwrapJsonLine(line, lineNumber - 1);
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
  const { kind, value: text } = unwrapped;
  if (kind === "trailer" && !layout.closed) {
    return problemAt(next, "The event list is not closed before the trailer");
  }
  return parsed(
    text,
    lineNumber,
    next,
    (value) =>
      kind === "manifest"
        ? { record: "manifest", manifest: value }
        : kind === "trailer"
        ? { record: "trailer", trailer: value }
        : { record: "event", ...(value as Record<string, unknown>) },
  );
}
