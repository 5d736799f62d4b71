import { deepEqual, equal, ok } from "node:assert/strict";
import { CATALOG } from "../../catalog/catalog.ts";
import { CPU_TIME_FIELDS, PRESSURE_LINES } from "../../catalog/events/system_statistics.ts";
import { commonField, declaredField, eventSpec, keySpec } from "../../catalog/key_spec.ts";
import { METRICS } from "../../catalog/charts.ts";
import type { FieldSpec } from "../../catalog/types.ts";
import { parseSeedPage, type SeedField } from "./_seed_tables.ts";
import { ROOT } from "../_helpers.ts";
import seedFields from "./seed_fields.json" with { type: "json" };
import { requires } from "../../testing/requires.ts";

const SEEDS = `${ROOT}../shared/seeds`;

function catalogField(event: string, name: string): FieldSpec | undefined {
  return event === "common" ? commonField(name) : declaredField(event, name);
}

Deno.test("every field the privacy pages name is catalogued with the same name, tier and platform", () => {
  const missing: string[] = [];
  for (const seed of seedFields as SeedField[]) {
    const field = catalogField(seed.event, seed.field);
    if (!field) missing.push(`${seed.platform} ${seed.event}.${seed.field}`);
    else {
      equal(field.tier, seed.tier, `${seed.event}.${seed.field} tier`);
      ok(
        field.platforms.includes(seed.platform),
        `${seed.event}.${seed.field} should list ${seed.platform}`,
      );
      equal(field.origin, "seed", `${seed.event}.${seed.field} origin`);
    }
  }
  deepEqual(missing, []);
});

Deno.test("no catalogued seed field claims a platform whose page does not name it", () => {
  const named = new Set(
    (seedFields as SeedField[]).map((s) => `${s.platform}/${s.event}/${s.field}`),
  );
  const extra: string[] = [];
  const check = (event: string, field: FieldSpec) => {
    if (field.origin !== "seed") return;
    for (const platform of field.platforms) {
      if (!named.has(`${platform}/${event}/${field.name}`)) {
        extra.push(`${platform}/${event}/${field.name}`);
      }
    }
  };
  for (const field of CATALOG.common) check("common", field);
  for (const event of CATALOG.events) for (const field of event.fields) check(event.type, field);
  deepEqual(extra, []);
});

Deno.test({
  name: "the seed fixture is what the privacy pages say",
  ...requires("seeds"),
  fn: async () => {
    const linux = await Deno.readTextFile(`${SEEDS}/linux-privacy.md`);
    const macos = await Deno.readTextFile(`${SEEDS}/mac-privacy.md`);
    deepEqual([...parseSeedPage(linux, "linux"), ...parseSeedPage(macos, "macos")], seedFields);
  },
});

Deno.test("the ten common fields are required and every event type is unique", () => {
  equal(CATALOG.common.length, 10);
  ok(CATALOG.common.every((f) => f.tier === "required"));
  const types = CATALOG.events.map((e) => e.type);
  equal(new Set(types).size, types.length);
  for (const event of CATALOG.events) {
    const names = event.fields.map((f) => f.name);
    equal(new Set(names).size, names.length, `duplicate field in ${event.type}`);
    ok(
      event.fields.every((f) => f.description.length > 10),
      `${event.type} has a field without description`,
    );
  }
});

Deno.test("every file-activity counter says how it is observed, and unsupported ones say so", () => {
  const kernel = eventSpec("kernel_statistics")!;
  for (const field of kernel.fields.filter((f) => f.tier === "optional" && f.origin === "seed")) {
    const source = field.source;
    ok(source, `${field.name} has no source`);
    const observable = source.ebpf || source.fanotify || source.inotify || source.reader ||
      source.maskOf;
    if (!observable) {
      ok(
        source.meaning.startsWith("unsupported"),
        `${field.name} is unobservable but not marked unsupported`,
      );
    }
    ok(field.nullable, `${field.name} must allow null for unsupported`);
  }
});

Deno.test("every kernel-observed counter names its family, and masks name theirs", () => {
  for (const field of eventSpec("kernel_statistics")!.fields) {
    const source = field.source;
    if (!source || (!source.fanotify && !source.inotify)) continue;
    const expected = field.name.startsWith("ipc.kauth.vnode.") ? "vnode" : "file_op";
    equal(source.family, expected, field.name);
  }
});

Deno.test("the name lists the collectors use are fields of the catalogue", () => {
  const system = (name: string) => keySpec("system_statistics", name)?.kind === "field";
  ok(CPU_TIME_FIELDS.every(({ field }) => system(field)));
  ok(
    PRESSURE_LINES.every((line) => [line.avg10, line.avg60, line.avg300, line.total].every(system)),
  );
  equal(PRESSURE_LINES.length, 6, "some and full for cpu, memory and io");
});

Deno.test("every chart reads fields its event type has", () => {
  for (const [name, metric] of Object.entries(METRICS)) {
    for (const field of metric.fields) {
      for (const key of field.keys) {
        equal(keySpec(metric.type, key)?.kind, "field", `${name}: ${metric.type}.${key}`);
      }
    }
  }
});
