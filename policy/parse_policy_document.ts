/**
 * Parses a managed policy file strictly: plain JSON only, every key once,
 * every number representable, and errors placed by line and column.
 *
 * @module
 */
import { type Node, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import type { SettingProblem } from "./validate_settings.ts";

/** The parsed document (with what could not be read dropped) and its problems. */
export interface ParsedDocument {
  document: unknown;
  problems: SettingProblem[];
}

const PARSE_ERRORS: Readonly<Record<string, string>> = {
  InvalidSymbol: "an unexpected character",
  InvalidNumberFormat: "a badly written number",
  PropertyNameExpected: "a property name in double quotes was expected",
  ValueExpected: "a value was expected",
  ColonExpected: "a colon was expected",
  CommaExpected: "a comma was expected",
  CloseBraceExpected: "a closing brace was expected",
  CloseBracketExpected: "a closing bracket was expected",
  EndOfFileExpected: "nothing more was expected",
  InvalidCommentToken: "a comment (JSON has none)",
  UnexpectedEndOfComment: "an unfinished comment",
  UnexpectedEndOfString: "an unfinished string",
  UnexpectedEndOfNumber: "an unfinished number",
  InvalidUnicode: "a bad \\u escape",
  InvalidEscapeCharacter: "a bad escape in a string",
  InvalidCharacter: "a character not allowed in a string",
};

/** Line and column (from 1) of `offset` in `text`. */
function place(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

function plain(
  node: Node,
  key: string,
  text: string,
  problems: SettingProblem[],
): unknown {
  switch (node.type) {
    case "object": {
      const object: Record<string, unknown> = {};
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [name, value] = property.children ?? [];
        if (!name || !value) continue;
        const member = String(name.value);
        const path = key ? `${key}.${member}` : member;
        if (seen.has(member)) {
          problems.push({
            key: path,
            expected: "each key once",
            message: `"${member}" appears twice in the same object (again at ${
              place(text, name.offset)
            }); which one applies would be a guess`,
          });
          delete object[member];
          continue;
        }
        seen.add(member);
        const converted = plain(value, path, text, problems);
        if (converted !== undefined) object[member] = converted;
      }
      return object;
    }
    case "array":
      return (node.children ?? []).map((item, i) => plain(item, `${key}[${i}]`, text, problems));
    case "number":
      if (!Number.isFinite(node.value)) {
        problems.push({
          key,
          expected: "a number a double can hold",
          message: `"${key}" is ${
            text.slice(node.offset, node.offset + node.length)
          }: a number out of range`,
        });
        return undefined;
      }
      return node.value;
    default:
      return node.value;
  }
}

/** Parses `text` as a policy document. */
export function parsePolicyDocument(text: string): ParsedDocument {
  if (text.startsWith("\ufeff")) {
    return {
      document: undefined,
      problems: [{
        key: "",
        expected: "UTF-8 text without a byte-order mark",
        message: "starts with a byte-order mark (U+FEFF); save it as UTF-8 without a BOM",
      }],
    };
  }
  if (text.trim() === "") {
    return {
      document: undefined,
      problems: [{ key: "", expected: "a JSON object", message: "is empty; write a JSON object" }],
    };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || tree === undefined) {
    const first = errors[0];
    const what = first ? PARSE_ERRORS[printParseErrorCode(first.error)] ?? "an error" : "no value";
    return {
      document: undefined,
      problems: [{
        key: "",
        expected: "a JSON object",
        message: `is not valid JSON: ${what} at ${place(text, first?.offset ?? 0)}`,
      }],
    };
  }
  const problems: SettingProblem[] = [];
  return { document: plain(tree, "", text, problems), problems };
}
