import { deepEqual, equal, match } from "node:assert/strict";
import { parsePolicyDocument } from "../../policy/parse_policy_document.ts";

Deno.test("keys written twice are found at any depth, and strings that look like keys are not", () => {
  const twice = (text: string) => parsePolicyDocument(text).problems.map((p) => p.key);
  deepEqual(twice('{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}'), ["b.c", "a"]);
  deepEqual(
    twice('{"a": ["a", "a"], "s": "\\"a\\": 1, \\"a\\": 2", "x": [{"k": 1}, {"k": 2}]}'),
    [],
  );
  deepEqual(twice('{"a\\u0062": 1, "ab": 2}'), ["ab"], "escapes are decoded");
  deepEqual(twice('{"a": {"b": 1}, "c": {"b": 2}}'), [], "same key in sibling objects");
  const [problem] = parsePolicyDocument('{\n  "a": 1,\n  "a": 2\n}').problems;
  equal(
    problem?.message,
    '"a" appears twice in the same object (again at line 3, column 3); which one applies would be a guess',
  );
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
    ['{"a": "open', /a string that is never closed at line 1, column 7/],
    ['{"a": [1,', /the text ends before the JSON does/],
    ["{a: 1}", /an unexpected character \(names and strings need double quotes\)/],
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
