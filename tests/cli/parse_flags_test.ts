import { deepEqual, throws } from "node:assert/strict";
import { parseFlags } from "../../cli/parse_flags.ts";
import { UsageError } from "../../cli/usage_error.ts";

const FLAGS = {
  "data-dir": { type: "string" },
  gzip: { type: "boolean" },
  out: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
} as const;

Deno.test("flags take their value after a space or an equals sign, and short forms", () => {
  deepEqual(parseFlags("x", ["--data-dir", "/d", "--gzip", "-o", "f", "-h"], FLAGS), {
    values: { "data-dir": "/d", gzip: true, out: "f", help: true },
    positionals: [],
  });
  deepEqual(parseFlags("x", ["--out=a=b", "--", "--not-a-flag"], FLAGS, true), {
    values: { out: "a=b" },
    positionals: ["--not-a-flag"],
  });
  deepEqual(parseFlags("x", ["check", "FILE", "--gzip"], FLAGS, true).positionals, [
    "check",
    "FILE",
  ]);
});

Deno.test("a wrong flag, a missing value or a stray argument is a usage error saying what", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /unknown flag "--bogus"/],
    [["-z"], /unknown flag "-z"/],
    [["--out"], /the flag "--out" needs a value/],
    [["--out", "--gzip"], /the flag "--out" needs a value/],
    [["--gzip=yes"], /the flag "--gzip" takes no value/],
    [["stray"], /unexpected argument "stray"/],
  ];
  for (const [args, message] of cases) {
    throws(() => parseFlags("export", args, FLAGS), (error: Error) => {
      return error instanceof UsageError && message.test(error.message) &&
        error.message.includes("vitrine export --help");
    }, args.join(" "));
  }
});
