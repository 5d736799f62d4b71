import { deepEqual } from "node:assert/strict";
import {
  eventLine,
  formatOfFirstLine,
  type LayoutFormat,
  manifestLines,
  trailerLines,
  unwrapJsonLine,
} from "../../export/export_layout.ts";

const MANIFEST = '{"host":"a"}';
const TRAILER = '{"count":2}';
const EVENTS = ['{"id":1}', '{"id":2}'];

function layout(format: LayoutFormat, events: string[]): string {
  return manifestLines(format, MANIFEST) +
    events.map((event, i) => eventLine(format, i + 1, `h${i + 1}`, event)).join("") +
    trailerLines(format, TRAILER, events.length);
}

Deno.test("the JSON layout is one document with the manifest, the events in order, and the trailer", () => {
  for (const events of [EVENTS, []]) {
    deepEqual(JSON.parse(layout("json", events)), {
      manifest: { host: "a" },
      events: events.map((event, i) => ({
        seq: i + 1,
        hash: `h${i + 1}`,
        event: JSON.parse(event),
      })),
      trailer: { count: 2 },
    });
  }
});

Deno.test("the NDJSON layout is one record a line: manifest, events, trailer", () => {
  const lines = layout("ndjson", EVENTS).trimEnd().split("\n").map((line) => JSON.parse(line));
  deepEqual(lines.map((line) => line.record), ["manifest", "event", "event", "trailer"]);
  deepEqual(lines[2], { record: "event", seq: 2, hash: "h2", event: { id: 2 } });
});

Deno.test("each line of the JSON layout unwraps to what was written into it", () => {
  const lines = layout("json", EVENTS).split("\n");
  deepEqual(formatOfFirstLine(lines[0]!), "json");
  deepEqual(
    lines.map((line, i) => unwrapJsonLine(line, i)),
    [
      { kind: "manifest", value: MANIFEST },
      { kind: "open" },
      { kind: "event", value: '{"seq":1,"hash":"h1","event":{"id":1}}' },
      { kind: "event", value: '{"seq":2,"hash":"h2","event":{"id":2}}' },
      { kind: "close" },
      { kind: "trailer", value: TRAILER },
      { kind: "blank" },
    ],
  );
});

Deno.test("a first line that is no export's, and a JSON line out of place, are not taken", () => {
  deepEqual(formatOfFirstLine('{"other":1}'), null);
  deepEqual(formatOfFirstLine(layout("ndjson", [])), "ndjson");
  deepEqual(unwrapJsonLine('"events":[', 0), null);
  deepEqual(unwrapJsonLine("{}", 1), null);
  deepEqual(unwrapJsonLine("garbage", 3), null);
});
