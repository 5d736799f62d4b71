import { settingsDocumentSchema } from "../../policy/settings_schema.ts";
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { Ajv } from "ajv";
import { recordEvents } from "../../record/record_events.ts";
import { collectSystem } from "../../collectors/collect_system.ts";
import { exportEvents, type ExportOptions } from "../../export/export_events.ts";
import {
  jsonDocumentSchema,
  ndjsonRecordSchema,
  publishedSchemas,
} from "../../export/export_schema.ts";
import { gzipStream, utf8Stream } from "../../export/gzip_stream.ts";
import { verifyExport } from "../../export/verify_export.ts";
import { loadIdentity } from "../../identity/identity.ts";
import type { Policy } from "../../policy/policy.ts";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { openStore, type Store } from "../../store/open_store.ts";
import { ROOT, runCli, tempDir } from "../_helpers.ts";
import { requires } from "../../testing/requires.ts";

function policyAt(level: "required" | "optional"): Policy {
  return combinePolicy("/nonexistent/managed.json", {
    state: "absent",
    values: new Map(),
    problems: [],
  }, new Map([["cloudService.diagnosticLevel", level]]));
}

async function seeded(dir: string, events = 25): Promise<Store> {
  const store = await openStore(`${dir}/vitrine.db`);
  const identity = await loadIdentity(store.db, policyAt("optional"));
  const system = collectSystem(["required", "optional"]);
  await recordEvents(store.db, identity, policyAt("optional"), [
    ...Array.from(
      { length: events },
      (_, i) => ({
        type: "system_statistics" as const,
        fields: system,
        time: 1_763_800_000_000 + i,
      }),
    ),
    {
      type: "install" as const,
      fields: {
        correlation_id: "c",
        version: "0.1.0",
        severity: "Informational",
        code: "install",
        text: "x",
      },
    },
    {
      type: "auto_update_configuration" as const,
      fields: {
        how_to_check: "manual",
        channel_name: "production",
        manifest_server: null,
        update_cache: "/var/cache/vitrine",
      },
    },
  ]);
  return store;
}

async function exportText(
  store: Store,
  level: "required" | "optional",
  options: ExportOptions,
): Promise<string> {
  const identity = await loadIdentity(store.db, policyAt("optional"));
  return await new Response(utf8Stream(exportEvents(store, policyAt(level), identity, options)))
    .text();
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new Response(text).body!;
}

Deno.test("the published schemas are the ones the catalogue and the settings table generate", async () => {
  const schemas = { ...publishedSchemas(), "settings.schema.json": settingsDocumentSchema() };
  for (const [name, schema] of Object.entries(schemas)) {
    const published = JSON.parse(await Deno.readTextFile(`${ROOT}schema/${name}`));
    deepEqual(
      published,
      JSON.parse(JSON.stringify(schema)),
      `schema/${name} is stale: run deno task schema`,
    );
  }
});

Deno.test("real exports in both formats validate against the published schemas with ajv and verify intact", async () => {
  await using dir = await tempDir();
  const store = await seeded(dir.path);
  try {
    const ajv = new Ajv({ strict: false });
    const json = await exportText(store, "optional", { format: "json" });
    const validateDocument = ajv.compile(jsonDocumentSchema());
    ok(validateDocument(JSON.parse(json)), ajv.errorsText(validateDocument.errors));
    const document = JSON.parse(json);
    equal(document.events.length, 27);
    equal(document.manifest.counts.total, 27);
    const ndjson = await exportText(store, "optional", { format: "ndjson" });
    const validateRecord = ajv.compile(ndjsonRecordSchema());
    const lines = ndjson.trim().split("\n");
    equal(lines.length, 29);
    for (const line of lines) {
      ok(validateRecord(JSON.parse(line)), ajv.errorsText(validateRecord.errors));
    }
    for (const text of [json, ndjson]) {
      const report = await verifyExport(streamOf(text));
      ok(report.ok, JSON.stringify(report.problem));
      equal(report.records, 27);
      const zipped = await verifyExport(gzipStream(streamOf(text)));
      ok(zipped.ok && zipped.gzip);
    }
    // The schema rejects a field the catalogue does not have.
    const record = JSON.parse(lines[1]!);
    record.event.fields.required.invented_field = 1;
    ok(!validateRecord(record));
  } finally {
    await store.close();
  }
});

Deno.test("an export never holds a field the policy in effect withholds", async () => {
  await using dir = await tempDir();
  const store = await seeded(dir.path);
  try {
    const text = await exportText(store, "required", { format: "ndjson" });
    const records = text.trim().split("\n").map((l) => JSON.parse(l));
    const events = records.filter((r) => r.record === "event");
    ok(events.length > 0);
    ok(events.every((r) => r.event.fields.optional === undefined));
    ok(
      !events.some((r) => r.event.type === "auto_update_configuration"),
      "optional-only events are left out",
    );
    ok(!text.includes("vmstat."));
    deepEqual(records[0].manifest.tiers_exported, ["required"]);
    const filtered = await exportText(store, "optional", {
      format: "ndjson",
      tier: "optional",
      type: "system_statistics",
    });
    const only = filtered.trim().split("\n").map((l) => JSON.parse(l)).filter((r) =>
      r.record === "event"
    );
    equal(only.length, 25);
    ok(
      only.every((r) =>
        r.event.fields.required === undefined && r.event.fields.optional !== undefined
      ),
    );
  } finally {
    await store.close();
  }
});

Deno.test("verify catches every removal, change, reordering and truncation, and says where", async () => {
  await using dir = await tempDir();
  const store = await seeded(dir.path, 10);
  try {
    const ndjson = (await exportText(store, "optional", { format: "ndjson" })).trim().split("\n");
    const json = (await exportText(store, "optional", { format: "json" })).split("\n");
    const nd = (lines: string[]) => verifyExport(streamOf(lines.join("\n") + "\n"));
    const cases: [string, string[], number, RegExp][] = [
      ["removed record", [...ndjson.slice(0, 4), ...ndjson.slice(5)], 4, /sequence number 5/],
      [
        "changed value",
        ndjson.map((l, i) => i === 3 ? l.replace('"linux"', '"linuz"') : l),
        3,
        /does not match its hash/,
      ],
      [
        "reordered",
        [ndjson[0]!, ndjson[2]!, ndjson[1]!, ...ndjson.slice(3)],
        1,
        /sequence number 2/,
      ],
      ["truncated, no trailer", ndjson.slice(0, -1), 13, /truncated/],
      ["cut mid-line", [...ndjson.slice(0, 6), ndjson[6]!.slice(0, 40)], 6, /not complete JSON/],
      [
        "trailer count edited",
        ndjson.map((l, i) => i === ndjson.length - 1 ? l.replace('"count":12', '"count":11') : l),
        12,
        /counts 11/,
      ],
      [
        "manifest edited",
        ndjson.map((l, i) =>
          i === 0 ? l.replace('"diagnostic_level":"optional"', '"diagnostic_level":"required"') : l
        ),
        1,
        /manifest was changed/,
      ],
      [
        "last record and trailer removed, trailer rebuilt",
        [...ndjson.slice(0, -2), ndjson[ndjson.length - 1]!],
        11,
        /counts 12/,
      ],
    ];
    for (const [name, lines, record, message] of cases) {
      const report = await nd(lines);
      equal(report.ok, false, name);
      equal(report.problem?.record, record, `${name}: ${JSON.stringify(report.problem)}`);
      match(report.problem!.message, message, name);
    }
    // The same in the JSON document format.
    const jsonCases: [string, string[], RegExp][] = [
      ["json removed", [...json.slice(0, 5), ...json.slice(6)], /sequence number/],
      ["json changed", json.map((l, i) => i === 4 ? l.replace('"linux"', '"linuz"') : l), /hash/],
      ["json truncated", json.slice(0, 8), /truncated/],
    ];
    for (const [name, lines, message] of jsonCases) {
      const report = await verifyExport(streamOf(lines.join("\n")));
      equal(report.ok, false, name);
      match(report.problem!.message, message, name);
    }
    ok((await verifyExport(streamOf(json.join("\n")))).ok);
    equal((await verifyExport(streamOf("hello\n"))).ok, false);
  } finally {
    await store.close();
  }
});

Deno.test("vitrine export writes a file that vitrine verify accepts, and rejects a tampered copy with exit 1", async () => {
  await using dir = await tempDir();
  const store = await seeded(dir.path, 5);
  await store.close();
  const managed = `${dir.path}/none.json`;
  for (const format of ["json", "ndjson"]) {
    const out = `${dir.path}/export.${format}.gz`;
    const made = await runCli([
      "export",
      "--data-dir",
      dir.path,
      "--managed-config",
      managed,
      "--format",
      format,
      "--gzip",
      "--out",
      out,
    ]);
    equal(made.code, 0, made.stderr);
    equal(made.stderr, "", "piped, the export stays quiet");
    const verified = await runCli(["verify", out]);
    equal(verified.code, 0, verified.stderr);
    match(verified.stdout, /^Intact: \d+ records/);
  }
  const plain = `${dir.path}/plain.ndjson`;
  equal(
    (await runCli([
      "export",
      "--data-dir",
      dir.path,
      "--managed-config",
      managed,
      "--format",
      "ndjson",
      "--out",
      plain,
    ])).code,
    0,
  );
  const lines = (await Deno.readTextFile(plain)).trim().split("\n");
  await Deno.writeTextFile(
    `${dir.path}/bad.ndjson`,
    [...lines.slice(0, 2), ...lines.slice(3)].join("\n"),
  );
  const bad = await runCli(["verify", `${dir.path}/bad.ndjson`]);
  equal(bad.code, 1);
  match(bad.stderr, /^Not intact: record 2 \(line 3\)/);
});

Deno.test({
  name: "on a terminal the export shows progress (records, bytes, rate)",
  ...requires("script"),
}, async () => {
  await using dir = await tempDir();
  const store = await seeded(dir.path, 5);
  await store.close();
  const command = [
    Deno.execPath(),
    "run",
    "-A",
    `${ROOT}main.ts`,
    "export",
    "--data-dir",
    dir.path,
    "--managed-config",
    `${dir.path}/none.json`,
    "--out",
    `${dir.path}/out.json`,
  ].join(" ");
  const result = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(result.stdout);
  equal(result.code, 0, text);
  match(text, /█+ 6\/6 records\s+[\d.]+ MiB\s+[\d,]+ rec\/s/);
  match(text, /Exported 6 events to/);
});
