/**
 * Parses a managed policy file strictly: plain JSON only, every key once,
 * every number representable, and errors placed by line and column.
 *
 * The runtime's JSON.parse does the parsing (and reports syntax errors with
 * their position); a scan of the text, once it is known to be valid JSON,
 * finds keys written twice, which JSON.parse would silently resolve.
 *
 * @module
 */
import type { SettingProblem } from "./validate_settings.ts";

/** The parsed document (with what could not be read dropped) and its problems. */
export interface ParsedDocument {
  document: unknown;
  problems: SettingProblem[];
}

/** Line and column (from 1) of `offset` in `text`. */
function place(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

/** The offset a JSON.parse error message points at, if it names one. */
function errorOffset(message: string, text: string): number | null {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  return /end of JSON input|Unterminated/.test(message) ? text.length : null;
}

/** What a JSON.parse error means, in words an admin reads. */
function syntaxProblem(message: string, text: string): string {
  const offset = errorOffset(message, text);
  const at = offset === null ? "" : text.slice(offset);
  const what = at.startsWith("/*") || at.startsWith("//")
    ? "a comment (JSON has none)"
    : offset !== null && at.trim() === ""
    ? "the text ends before the JSON does (a missing quote, bracket or brace)"
    : /Expected double-quoted property name/.test(message)
    ? "a property name in double quotes was expected (a trailing comma?)"
    : /Expected ',' or '[}\]]'/.test(message)
    ? "a comma or a closing brace or bracket was expected"
    : /Bad control character/.test(message)
    ? "a control character inside a string"
    : /Unexpected non-whitespace character/.test(message)
    ? "more text after the JSON value"
    : "an unexpected character";
  return `is not valid JSON: ${what}${offset === null ? "" : ` at ${place(text, offset)}`}`;
}

/**
 * The keys written twice in one object of `text` (valid JSON), with the
 * dotted path of the object and where the second one stands.
 */
export function duplicateKeys(text: string): { path: string; key: string; offset: number }[] {
  const found: { path: string; key: string; offset: number }[] = [];
  // One entry per open object or array: the keys seen, and its own key.
  const stack: { keys: Set<string> | null; name: string }[] = [];
  let pendingKey = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      i++;
      let j = i;
      while (/\s/.test(text[j] ?? "")) j++;
      const top = stack[stack.length - 1];
      if (text[j] === ":" && top?.keys) {
        const key = JSON.parse(text.slice(start, i)) as string;
        if (top.keys.has(key)) {
          const path = stack.map((s) => s.name).filter((n) => n !== "").join(".");
          found.push({ path, key, offset: start });
        }
        top.keys.add(key);
        pendingKey = key;
      }
      continue;
    }
    if (c === "{" || c === "[") {
      stack.push({ keys: c === "{" ? new Set() : null, name: pendingKey });
      pendingKey = "";
    } else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") pendingKey = "";
    i++;
  }
  return found;
}

/** The dotted path of every object and array inside `value`, by identity. */
function pathsOf(value: unknown, path = "", into = new Map<object, string>()): Map<object, string> {
  if (typeof value === "object" && value !== null) {
    into.set(value, path);
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      pathsOf(child, childPath, into);
    }
  }
  return into;
}

/** Parses `text` as a policy document. */
export function parsePolicyDocument(text: string): ParsedDocument {
  const documentProblem = (expected: string, message: string): ParsedDocument => ({
    document: undefined,
    problems: [{ key: "", expected, message }],
  });
  if (text.startsWith("\ufeff")) {
    return documentProblem(
      "UTF-8 text without a byte-order mark",
      "starts with a byte-order mark (U+FEFF); save it as UTF-8 without a BOM",
    );
  }
  if (text.trim() === "") return documentProblem("a JSON object", "is empty; write a JSON object");
  const problems: SettingProblem[] = [];
  // Numbers too large for a double, with the object holding them and their source text.
  const outOfRange: { holder: object; key: string; source: string }[] = [];
  let document: unknown;
  try {
    document = JSON.parse(
      text,
      function (this: object, key: string, value: unknown, context?: { source?: string }) {
        if (typeof value !== "number" || Number.isFinite(value)) return value;
        outOfRange.push({ holder: this, key, source: context?.source ?? String(value) });
        return undefined;
      },
    );
  } catch (error) {
    return documentProblem("a JSON object", syntaxProblem((error as Error).message, text));
  }
  if (outOfRange.length > 0) {
    const paths = pathsOf(document);
    for (const { holder, key, source } of outOfRange) {
      const parent = paths.get(holder) ?? "";
      const where = Array.isArray(holder) ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;
      problems.push({
        key: where,
        expected: "a number a double can hold",
        message: `"${where}" is ${source}: a number out of range`,
      });
    }
  }
  for (const duplicate of duplicateKeys(text)) {
    const key = duplicate.path ? `${duplicate.path}.${duplicate.key}` : duplicate.key;
    problems.push({
      key,
      expected: "each key once",
      message: `"${duplicate.key}" appears twice in the same object (again at ${
        place(text, duplicate.offset)
      }); which one applies would be a guess`,
    });
  }
  return { document, problems };
}
