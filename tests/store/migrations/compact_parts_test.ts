import { deepEqual, equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Kysely, SqliteDialect } from "kysely";
import { Migrator } from "kysely/migration";
import { collectSystem } from "../../../collectors/collect_system.ts";
import { splitByTier } from "../../../catalog/validate_event.ts";
import { utf8Stream } from "../../../export/gzip_stream.ts";
import { exportEvents } from "../../../export/export_events.ts";
import { verifyExport } from "../../../export/verify_export.ts";
import { loadIdentity } from "../../../identity/identity.ts";
import { combinePolicy } from "../../../policy/combine_policy.ts";
import { canonicalJson } from "../../../store/canonical_json.ts";
import { listEvents } from "../../../store/event_queries.ts";
import { nodeSqliteDatabase } from "../../../store/node_sqlite_database.ts";
import { openStore } from "../../../store/open_store.ts";
import * as initial from "../../../store/migrations/2026_11_22_initial.ts";
import * as partCounts from "../../../store/migrations/2026_11_22_part_counts.ts";
import { tempDir } from "../../_helpers.ts";

const OPTIONAL = combinePolicy(
  "/none",
  { state: "absent", values: new Map(), problems: [] },
  new Map([["cloudService.diagnosticLevel", "optional"]]),
);

/** A database as vitrine 0.1.0 wrote it: parts as canonical JSON, every value indexed. */
async function oldDatabase(path: string): Promise<Map<string, string>> {
  const db = new Kysely({
    dialect: new SqliteDialect({ database: nodeSqliteDatabase(new DatabaseSync(path)) }),
  });
  const migrations = { "2026_11_22_initial": initial, "2026_11_22_part_counts": partCounts };
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  }).migrateToLatest();
  if (error) throw error;
  await db.destroy();
  const raw = new DatabaseSync(path);
  const common = {
    platform: "linux",
    machine_guid: null,
    sense_guid: "5d2b8c1e-0000-4000-8000-000000000001",
    org_id: null,
    hostname: "old-box",
    product_guid: "5e0c6f0e-7a41-4c1b-9d3e-76697472696e",
    app_version: "0.1.0",
    sig_version: null,
    supported_compressions: ["gzip"],
    release_ring: "production",
  };
  raw.prepare("INSERT INTO common_set (id, fields) VALUES (1, ?)").run(canonicalJson(common));
  const parts = new Map<string, string>();
  const system = splitByTier("system_statistics", collectSystem(["required", "optional"]));
  const install = {
    correlation_id: "c\nd",
    version: "0.1.0",
    severity: "Informational",
    code: "install",
    text: 'ünïcode "quoted"',
  };
  const events: [string, Record<string, Record<string, unknown> | undefined>][] = [
    ["system_statistics", system],
    ["install", { required: install }],
    ["system_statistics", { required: system.required }],
  ];
  events.forEach(([type, tiers], i) => {
    const id = i + 1;
    raw.prepare("INSERT INTO event (id, type, time, common_id) VALUES (?, ?, ?, 1)").run(
      id,
      type,
      1_763_800_000_000 + id,
    );
    for (const [tier, fields] of Object.entries(tiers)) {
      if (!fields) continue;
      const text = canonicalJson(fields);
      parts.set(`${id} ${tier}`, text);
      raw.prepare("INSERT INTO event_part (tier, event_id, fields) VALUES (?, ?, ?)").run(
        tier,
        id,
        text,
      );
      const words = Object.entries(fields).map(([k, v]) =>
        `${k} ${typeof v === "string" ? v : JSON.stringify(v)}`
      );
      raw.prepare(`INSERT INTO event_text_${tier} (rowid, text) VALUES (?, ?)`).run(
        id,
        words.join("\n"),
      );
    }
  });
  raw.close();
  return parts;
}

Deno.test("the migration converts stored parts so that each reads back as the same canonical JSON", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/vitrine.db`;
  const before = await oldDatabase(path);
  const store = await openStore(path);
  try {
    const identity = await loadIdentity(store.db, OPTIONAL);
    const text = await new Response(
      utf8Stream(exportEvents(store, OPTIONAL, identity, { format: "ndjson" })),
    ).text();
    const report = await verifyExport(new Response(text).body!);
    equal(report.ok, true, JSON.stringify(report.problem));
    equal(report.records, 3);
    const after = new Map<string, string>();
    for (const line of text.trim().split("\n")) {
      const record = JSON.parse(line);
      if (record.record !== "event") continue;
      for (const [tier, fields] of Object.entries(record.event.fields)) {
        after.set(`${record.event.id} ${tier}`, canonicalJson(fields));
      }
    }
    deepEqual(after, before);
    const counts = await store.db.selectFrom("part_count").selectAll().execute();
    ok(
      counts.some((c) => c.type === "system_statistics" && c.tier === "required" && c.count === 2),
    );
  } finally {
    await store.close();
  }
});

Deno.test("after the migration the index holds strings, not numbers, and new parts are stored alike", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/vitrine.db`;
  await oldDatabase(path);
  const store = await openStore(path);
  try {
    const search = (words: string) =>
      listEvents(store.db, { allowed: ["required", "optional"], search: words });
    equal((await search("ünïcode")).length, 1, "a string value is found");
    equal((await search("Informational")).length, 1);
    equal((await search("0.1.0")).length, 1);
    equal((await search("4096")).length, 0, "a number is not a word of the index");
    const [install] = await search("ünïcode");
    equal(install?.parts.required?.correlation_id, "c\nd", "a newline inside a value survives");
  } finally {
    await store.close();
  }
});
