/**
 * Parses a managed policy file strictly: plain JSON only (no comments, no
 * trailing commas), every key once, every number representable, and every
 * problem placed by line and column.
 *
 * jsonc-parser (Microsoft's, the parser of VS Code) reads the text into a
 * tree with each node's offset and reports syntax errors by code, so the
 * words here follow its codes rather than the runtime's error messages,
 * which change from one version of V8 to the next. The tree also shows keys
 * written twice, which JSON.parse would resolve silently.
 *
 * @module
 */
import {
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
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

/** What a syntax error means, in words an admin reads. */
function syntaxWords(error: ParseError, text: string): string {
  const at = text.slice(error.offset);
  if (at.trim() === "") {
    return "the text ends before the JSON does (a missing quote, bracket or brace)";
  }
  // By the code's name: the codes themselves are an ambient const enum.
  switch (printParseErrorCode(error.error)) {
    case "InvalidCommentToken":
    case "UnexpectedEndOfComment":
      return "a comment (JSON has none)";
    case "PropertyNameExpected":
      return at.trimStart().startsWith("}")
        ? "a property name in double quotes was expected (a trailing comma?)"
        : "a property name in double quotes was expected";
    case "ValueExpected":
      return "a value was expected (a trailing comma?)";
    case "ColonExpected":
      return "a colon was expected after the property name";
    case "CommaExpected":
    case "CloseBraceExpected":
    case "CloseBracketExpected":
      return "a comma or a closing brace or bracket was expected";
    case "EndOfFileExpected":
      return "more text after the JSON value";
    case "InvalidCharacter":
      return "a control character inside a string";
    case "InvalidEscapeCharacter":
    case "InvalidUnicode":
      return "an escape a JSON string cannot hold";
    case "UnexpectedEndOfString":
      return "a string that is never closed";
    case "InvalidNumberFormat":
    case "UnexpectedEndOfNumber":
      return "a number JSON cannot hold";
    default:
      return "an unexpected character (names and strings need double quotes)";
  }
}

/** A key of a node's parent path: "a.b", "a.b[1]". */
function childPath(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** Keys written twice and numbers out of range, anywhere in `node`. */
function treeProblems(node: Node, text: string, path = ""): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (node.type === "number" && !Number.isFinite(node.value)) {
    const source = text.slice(node.offset, node.offset + node.length);
    problems.push({
      key: path,
      expected: "a number a double can hold",
      message: `"${path}" is ${source}: a number out of range`,
    });
  }
  if (node.type === "array") {
    (node.children ?? []).forEach((child, i) =>
      problems.push(...treeProblems(child, text, childPath(path, i)))
    );
  }
  if (node.type === "object") {
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const [name, value] = property.children ?? [];
      if (!name || typeof name.value !== "string") continue;
      const key = childPath(path, name.value);
      if (seen.has(name.value)) {
        problems.push({
          key,
          expected: "each key once",
          message: `"${name.value}" appears twice in the same object (again at ${
            place(text, name.offset)
          }); which one applies would be a guess`,
        });
      }
      seen.add(name.value);
      if (value) problems.push(...treeProblems(value, text, key));
    }
  }
  return problems;
}

/** The value of `node` with numbers out of range left out (they are reported instead). */
function valueOf(node: Node): unknown {
  const value = getNodeValue(node);
  return JSON.parse(
    JSON.stringify(value, (_, v) => Number.isFinite(v) || typeof v !== "number" ? v : undefined),
  );
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
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined || tree === undefined) {
    const offset = first?.offset ?? 0;
    const words = first ? syntaxWords(first, text) : "nothing a JSON parser can read";
    return documentProblem(
      "a JSON object",
      `is not valid JSON: ${words} at ${place(text, offset)}`,
    );
  }
  return { document: valueOf(tree), problems: treeProblems(tree, text) };
}
