import { deepEqual, equal } from "node:assert/strict";
import { canonicalJson } from "../../store/canonical_json.ts";
import {
  encodePart,
  partCanonicalJson,
  partValue,
  searchText,
  shapeOf,
} from "../../store/part_codec.ts";

const TRICKY = {
  "z": 1,
  "a": "line\nbreak",
  "é": { y: [1, { b: 2, a: 1 }], x: null },
  "A": true,
  "b.c": -0.5,
  "filesystems": [{ mount_point: "/", total: 10 }],
  "empty": "",
  "Z": "\u2028",
};

Deno.test("a part rebuilt from its shape and values is exactly its canonical JSON", () => {
  const encoded = encodePart(TRICKY);
  equal(partCanonicalJson(shapeOf(encoded.keys), encoded.values), canonicalJson(TRICKY));
  deepEqual(JSON.parse(encoded.keys), Object.keys(TRICKY).sort((a, b) => (a < b ? -1 : 1)));
  const empty = encodePart({});
  equal(partCanonicalJson(shapeOf(empty.keys), empty.values), "{}");
});

Deno.test("one value is read without rebuilding the part", () => {
  const encoded = encodePart(TRICKY);
  const shape = shapeOf(encoded.keys);
  equal(partValue(shape, encoded.values, "a"), "line\nbreak");
  deepEqual(partValue(shape, encoded.values, "é"), { x: null, y: [1, { a: 1, b: 2 }] });
  equal(partValue(shape, encoded.values, "missing"), undefined);
});

Deno.test("only strings are words of the index, with their field names", () => {
  const text = searchText({ n: 42, s: "fanotify", b: true, list: ["x", 3], obj: { k: "v", m: 1 } });
  deepEqual(text.split("\n"), ["s fanotify", "list x", "obj.k v"]);
  equal(searchText({ uptime: 123457, load: 0.5 }), "");
});
