import { deepEqual, equal, match } from "node:assert/strict";
import { duplicateKeys, parsePolicyDocument } from "../../policy/parse_policy_document.ts";

Deno.test("keys written twice are found at any depth, and strings that look like keys are not", () => {
  deepEqual(duplicateKeys('{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}').map((d) => [d.path, d.key]), [
    ["b", "c"],
    ["", "a"],
  ]);
  deepEqual(
    duplicateKeys('{"a": ["a", "a"], "s": "\\"a\\": 1, \\"a\\": 2", "x": [{"k": 1}, {"k": 2}]}'),
    [],
  );
  deepEqual(
    duplicateKeys('{"a\\u0062": 1, "ab": 2}').map((d) => d.key),
    ["ab"],
    "escapes are decoded",
  );
  deepEqual(duplicateKeys('{"a": {"b": 1}, "c": {"b": 2}}'), [], "same key in sibling objects");
});

Deno.test("numbers out of range are named by their path and written as the file wrote them", () => {
  const { problems } = parsePolicyDocument('{"a": {"b": [1, 2e308]}, "c": -1E999, "d": 1.5}');
  deepEqual(problems.map((p) => p.message), [
    '"a.b[1]" is 2e308: a number out of range',
    '"c" is -1E999: a number out of range',
  ]);
});

Deno.test("syntax errors are told in words with line and column", () => {
  const cases: [string, RegExp][] = [
    [
      '{\n  "a": 1,\n}',
      /a property name in double quotes was expected \(a trailing comma\?\) at line 3, column 1/,
    ],
    ['{"a": 1 // note\n}', /a comment \(JSON has none\) at line 1, column 9/],
    ['{"a": "open', /the text ends before the JSON does/],
    ['{"a": 1} {"b": 2}', /more text after the JSON value/],
    ["\ufeff{}", /byte-order mark/],
    ["  \n ", /is empty/],
  ];
  for (const [text, expected] of cases) {
    const { document, problems } = parsePolicyDocument(text);
    equal(document, undefined, text);
    match(problems[0]?.message ?? "", expected, text);
  }
});
