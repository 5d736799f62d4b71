import { deepEqual, throws } from "node:assert/strict";
import { InputError } from "../../input/input_error.ts";
import { MAX_TIME, parseFilter, parseTime } from "../../input/parse_filter.ts";
import { MAX_PAGE } from "../../store/event_queries.ts";

Deno.test("a filter takes tier, type, times, search, cursor and limit; blanks mean no filter", () => {
  deepEqual(
    parseFilter({
      tier: "optional",
      type: "kernel_statistics",
      since: "2026-11-22T10:00:00Z",
      until: "1764000000000",
      q: "fanotify",
      before: "42",
      limit: "10",
    }),
    {
      tier: "optional",
      type: "kernel_statistics",
      since: Date.parse("2026-11-22T10:00:00Z"),
      until: 1764000000000,
      search: "fanotify",
      before: 42,
      limit: 10,
    },
  );
  deepEqual(parseFilter({ tier: "", type: "", since: "", q: "  ", limit: "" }), {});
});

Deno.test("each bad filter value is an input error that quotes it", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ tier: "secret" }, /tier "secret" is not one of required, optional/],
    [{ type: "keylogger" }, /event type "keylogger" is not in the catalogue/],
    [{ since: "yesterday" }, /since time "yesterday" is not a date/],
    [{ until: String(MAX_TIME + 1) }, /out of range/],
    [{ limit: "0" }, /limit "0" is not a whole number from 1/],
    [{ limit: String(MAX_PAGE + 1) }, new RegExp(`to ${MAX_PAGE}`)],
    [{ before: "-3" }, /before cursor "-3"/],
    [{ q: "x".repeat(201) }, /longer than 200 characters/],
  ];
  for (const [values, message] of cases) {
    throws(() => parseFilter(values), (error: Error) => {
      deepEqual(error instanceof InputError, true);
      deepEqual(message.test(error.message), true, error.message);
      return true;
    });
  }
});

Deno.test("a time is ISO 8601 or epoch milliseconds, from 1970 on", () => {
  deepEqual(parseTime("since", "0"), 0);
  deepEqual(parseTime("since", "1970-01-01T00:00:01Z"), 1000);
  throws(() => parseTime("since", "1969-12-31T23:59:59Z"), /out of range/);
});
