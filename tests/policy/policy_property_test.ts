import type { RawEvent } from "../../catalog/raw_event.ts";
import { buildHealth } from "../../agent/health.ts";
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { sql } from "kysely";
import { recordEvents } from "../../record/record_events.ts";
import { EVENTS } from "../../catalog/catalog.ts";
import { partCanonicalJson, shapeOf } from "../../store/part_codec.ts";
import { eventSpec } from "../../catalog/key_spec.ts";
import { keySpec } from "../../catalog/key_spec.ts";
import type { FieldSpec, Tier } from "../../catalog/types.ts";
import type { Fields } from "../../catalog/validate_event.ts";
import { gunzipStream } from "../../export/gzip_stream.ts";
import { loadIdentity } from "../../identity/identity.ts";
import { allowedTiers } from "../../policy/tiers.ts";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { readManagedFile } from "../../policy/read_managed_file.ts";
import { decideSample, type SampleLevel } from "../../samples/sample_decision.ts";
import { createApp } from "../../routes/app.ts";
import { insertConsent } from "../../store/consent_queries.ts";
import { openStore } from "../../store/open_store.ts";
import {
  collectSupportBundle,
  ConsentRequiredError,
} from "../../support/collect_support_bundle.ts";
import { tempDir } from "../_helpers.ts";

const NO_FACTS = { userNames: [], homes: [] };

// A small deterministic generator, so a failure can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function valueFor(field: FieldSpec, next: () => number): unknown {
  if (field.nullable && next() < 0.15) return null;
  switch (field.type) {
    case "string":
      return field.values
        ? field.values[Math.floor(next() * field.values.length)]
        : `v${Math.floor(next() * 1e6)}`;
    case "integer":
      return Math.floor(next() * 1e6);
    case "number":
      return next() * 1000;
    case "boolean":
      return next() < 0.5;
    case "string[]":
      return [`a${Math.floor(next() * 100)}`, `b${Math.floor(next() * 100)}`];
    case "object":
      return { key: `k${Math.floor(next() * 10)}` };
  }
}

/** An event of `type` with every catalogued field filled in. */
function generateEvent(type: string, next: () => number): Fields {
  const event = eventSpec(type)!;
  const fields: Fields = {};
  const groups = new Map<string, Fields>();
  for (const field of event.fields) {
    const group = field.name.indexOf("[].");
    const pattern = field.name.indexOf(".[");
    if (group > 0) {
      const prefix = field.name.slice(0, group);
      const item = groups.get(prefix) ?? {};
      item[field.name.slice(group + 3)] = valueFor(
        { ...field, nullable: undefined } as FieldSpec,
        next,
      );
      groups.set(prefix, item);
    } else if (pattern > 0) {
      fields[`${field.name.slice(0, pattern + 1)}gen${Math.floor(next() * 5)}`] = valueFor(
        { ...field, nullable: undefined } as FieldSpec,
        next,
      );
    } else fields[field.name] = valueFor(field, next);
  }
  for (const [prefix, item] of groups) fields[prefix] = [item, { ...item }];
  return fields;
}

/** The tier of every stored key of an event part, as the catalogue says. */
function tiersOf(type: string, part: Fields): Set<Tier> {
  const found = new Set<Tier>();
  for (const [key, value] of Object.entries(part)) {
    const spec = keySpec(type, key);
    if (!spec) throw new Error(`Unknown key ${key} reached a boundary`);
    if (spec.kind === "field") found.add(spec.spec.tier);
    else {for (const item of value as Fields[]) {
        for (const member of Object.keys(item)) found.add(spec.members.get(member)!.tier);
      }}
  }
  return found;
}

const ELF = new Uint8Array([0x7f, 0x45, 0x4c, 0x46]);
const PDF = new TextEncoder().encode("%PDF-1.4");

Deno.test("no field above the allowed tier reaches the store, the API or the export, in any combination of controls", async () => {
  let combinations = 0;
  let events = 0;
  let checks = 0;
  const next = random(20261122);
  for (const level of ["required", "optional"] as const) {
    for (const sample of ["none", "safe", "all"] as const) {
      for (const consent of [false, true]) {
        for (const source of ["managed", "local"] as const) {
          for (const cloud of [false, true]) {
            combinations++;
            await using dir = await tempDir();
            const managedFile = `${dir.path}/managed.json`;
            const settings = {
              diagnosticLevel: level,
              automaticSampleSubmissionConsent: sample,
              enabled: cloud,
              // Sending needs somewhere to go as well.
              serviceUri: "https://collector.example",
            };
            const local = new Map<string, unknown>();
            if (source === "managed") {
              await Deno.writeTextFile(managedFile, JSON.stringify({ cloudService: settings }));
            } else for (const [k, v] of Object.entries(settings)) local.set(`cloudService.${k}`, v);
            const policy = combinePolicy(managedFile, await readManagedFile(managedFile), local);
            equal(policy.level, level);
            const allowed = level === "optional" ? ["required", "optional"] : ["required"];
            deepEqual(allowedTiers(policy, "store"), allowed);
            deepEqual(allowedTiers(policy, "send"), cloud ? allowed : []);

            const store = await openStore(`${dir.path}/vitrine.db`);
            try {
              const identity = await loadIdentity(store.db, policy);
              const batch = EVENTS.flatMap((e) =>
                [0, 1].map(() => ({ type: e.type, fields: generateEvent(e.type, next) }))
              );
              events += batch.length;
              await recordEvents(store.db, identity, policy, batch as RawEvent[]);

              // The store.
              const tiers = await sql<{ tier: Tier }>`SELECT DISTINCT tier FROM event_part`.execute(
                store.db,
              );
              for (const row of tiers.rows) {
                ok(allowed.includes(row.tier), `${row.tier} stored at ${level}`);
              }
              const stored = await sql<
                { event_id: number; tier: Tier; keys: string; data: string; type: string }
              >`
                SELECT p.event_id, p.tier, s.keys, p.data, e.type FROM event_part p
                JOIN event e ON e.id = p.event_id JOIN part_shape s ON s.id = p.shape_id`
                .execute(store.db);
              for (const row of stored.rows) {
                const fields = JSON.parse(partCanonicalJson(shapeOf(row.keys), row.data));
                for (const tier of tiersOf(row.type, fields)) {
                  ok(allowed.includes(tier));
                }
                checks++;
              }
              if (consent) {
                await insertConsent(store.db, {
                  purpose: "support_logs",
                  granted: true,
                  actor: "tester",
                  time: Date.now(),
                });
              }

              // The API and the export.
              const app = createApp({
                store,
                dataDir: dir.path,
                policy: () => policy,
                identity: () => identity,
                status: () => undefined,
                token: "t".repeat(64),
                allowedHosts: ["127.0.0.1:7878"],
                changePreference: () => Promise.reject(new Error("not used")),
                recordConsent: () => Promise.reject(new Error("not used")),
                deleteDiagnosticData: () => Promise.reject(new Error("not used")),
                decideHeldSample: () => Promise.reject(new Error("not used")),
              });
              const get = (path: string) =>
                app.request(
                  new Request(`http://127.0.0.1:7878${path}`, {
                    headers: { host: "127.0.0.1:7878" },
                  }),
                );
              const listed = await (await get("/api/events?limit=1000")).json();
              for (const event of listed.events) {
                for (const [tier, part] of Object.entries(event.parts as Record<Tier, Fields>)) {
                  ok(allowed.includes(tier));
                  for (const t of tiersOf(event.type, part)) ok(allowed.includes(t));
                }
                const one = await (await get(`/api/events/${event.id}`)).json();
                ok(Object.keys(one.parts).every((t) => allowed.includes(t)));
                checks += 2;
              }
              deepEqual(
                (await (await get("/api/events?tier=optional")).json()).events.length > 0,
                level === "optional",
              );
              const exported = await (await get("/api/export?format=ndjson&gzip=1")).body!;
              const text = await new Response(gunzipStream(exported)).text();
              for (const line of text.trim().split("\n")) {
                const record = JSON.parse(line);
                if (record.record !== "event") continue;
                for (
                  const [tier, part] of Object.entries(record.event.fields as Record<Tier, Fields>)
                ) {
                  ok(allowed.includes(tier));
                  for (const t of tiersOf(record.event.type, part)) ok(allowed.includes(t));
                }
                checks++;
              }

              // Support logs only with consent, and only allowed tiers in them.
              if (!consent) {
                await rejects(
                  collectSupportBundle(store, dir.path, policy, identity, {
                    health: () => buildHealth(store, dir.path, policy),
                  }),
                  ConsentRequiredError,
                );
              } else {
                const bundle = await collectSupportBundle(store, dir.path, policy, identity, {
                  health: () => buildHealth(store, dir.path, policy),
                });
                const content = JSON.parse(
                  await new Response(gunzipStream((await Deno.open(bundle.path)).readable)).text(),
                );
                for (const event of content.events) {
                  ok(Object.keys(event.parts).every((t: string) => allowed.includes(t)));
                }
              }

              // Samples follow the level in effect.
              const effective: SampleLevel = policy.get(
                "cloudService.automaticSampleSubmissionConsent",
              );
              equal(effective, sample);
              equal(decideSample(effective, ELF, NO_FACTS).submit, sample !== "none");
              equal(decideSample(effective, PDF, NO_FACTS).submit, sample === "all");
            } finally {
              await store.close();
            }
          }
        }
      }
    }
  }
  console.log(
    `Checked ${combinations} combinations of controls, ${events} generated events, ${checks} boundary crossings.`,
  );
  equal(combinations, 48);
});
