import { deepEqual, equal, match } from "node:assert/strict";
import { ChainCheck } from "../../export/chain_check.ts";
import { decodeJsonLine, decodeNdjsonLine } from "../../export/verify_lines.ts";
import { nextLink, sha256Hex } from "../../export/hash_chain.ts";
import { canonicalJson } from "../../store/canonical_json.ts";

const MANIFEST = {
  counts: { total: 2 },
  catalog_version: "x",
  catalog_sha256: "y",
  exported_at: "z",
};
const head = sha256Hex(canonicalJson(MANIFEST));

function event(seq: number, link: string, id: number): Record<string, unknown> {
  const body = { id, type: "install" };
  return { record: "event", seq, hash: nextLink(link, body), event: body };
}

Deno.test("an NDJSON line decodes to its record; a blank or torn line is a problem at the next record", () => {
  deepEqual(decodeNdjsonLine('{"record":"x"}', 3, 2, false), {
    kind: "record",
    record: { record: "x" },
  });
  deepEqual(decodeNdjsonLine("", 3, 2, true), { kind: "layout" }, "blank after the trailer");
  const blank = decodeNdjsonLine("", 3, 2, false);
  equal(blank.kind === "problem" && blank.problem.record, 2);
  const torn = decodeNdjsonLine('{"record":"ev', 7, 5, false);
  equal(torn.kind, "problem");
  match(torn.kind === "problem" ? torn.problem.message : "", /Line 7 is not complete JSON/);
});

Deno.test("a JSON-document line is unwrapped by its place in the layout", () => {
  const layout = { closed: false };
  const manifest = decodeJsonLine('{"manifest":{"a":1},', 1, 1, layout);
  deepEqual(manifest, { kind: "record", record: { record: "manifest", manifest: { a: 1 } } });
  deepEqual(decodeJsonLine('"events":[', 2, 1, layout), { kind: "layout" });
  deepEqual(decodeJsonLine('{"seq":1},', 3, 1, layout), {
    kind: "record",
    record: { record: "event", seq: 1 },
  });
  const early = decodeJsonLine('"trailer":{"count":1}}', 4, 2, layout);
  match(early.kind === "problem" ? early.problem.message : "", /not closed before the trailer/);
  deepEqual(decodeJsonLine("],", 4, 2, layout), { kind: "layout" });
  equal(layout.closed, true);
  deepEqual(decodeJsonLine('"trailer":{"count":1}}', 5, 2, layout), {
    kind: "record",
    record: { record: "trailer", trailer: { count: 1 } },
  });
  const junk = decodeJsonLine("garbage", 6, 2, layout);
  match(junk.kind === "problem" ? junk.problem.message : "", /does not follow the export's layout/);
});

Deno.test("the chain accepts a manifest, linked events and a matching trailer, and nothing after", () => {
  const chain = new ChainCheck();
  equal(chain.check({ record: "manifest", manifest: MANIFEST }), null);
  const one = event(1, head, 10);
  equal(chain.check(one), null);
  const two = event(2, one.hash as string, 11);
  equal(chain.check(two), null);
  const trailer = { count: 2, manifest_sha256: head, chain_head: two.hash };
  equal(chain.check({ record: "trailer", trailer }), null);
  equal(chain.finish(), null);
  equal(chain.head, two.hash);
  match(chain.check(event(3, two.hash as string, 12))?.message ?? "", /follows the trailer/);
});

Deno.test("the chain names a removed, changed or unannounced record", () => {
  const removed = new ChainCheck();
  removed.check({ record: "manifest", manifest: MANIFEST });
  const skipped = removed.check(event(2, head, 11));
  deepEqual([skipped?.record, /sequence number 2/.test(skipped?.message ?? "")], [1, true]);

  const changed = new ChainCheck();
  changed.check({ record: "manifest", manifest: MANIFEST });
  const forged = { ...event(1, head, 10), event: { id: 10, type: "crash" } };
  match(changed.check(forged)?.message ?? "", /Record 1 does not match its hash/);

  const early = new ChainCheck();
  deepEqual(early.check(event(1, head, 10)), {
    record: 0,
    message: "The export has no manifest before its records",
  });
  match(new ChainCheck().finish()?.message ?? "", /no manifest/);

  const cut = new ChainCheck();
  cut.check({ record: "manifest", manifest: MANIFEST });
  cut.check(event(1, head, 10));
  match(cut.finish()?.message ?? "", /ends after record 1 without its trailer/);
});
