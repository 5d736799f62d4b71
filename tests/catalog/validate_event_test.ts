import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { eventProblems, validateEvent } from "../../catalog/validate_event.ts";
import { splitByTier } from "../../catalog/validate_event.ts";

Deno.test("an unknown field is reported by name", () => {
  deepEqual(eventProblems("install", { correlation_id: "x", nickname: "y" }), [
    'Field "nickname" is not in the catalogue for "install"',
  ]);
});

Deno.test("a value of the wrong type is reported with the value", () => {
  const problems = eventProblems("system_statistics", { "memory.total": "lots" });
  equal(problems.length, 1);
  match(problems[0]!, /"memory.total" should be an integer but is "lots"/);
});

Deno.test("enumerations, nulls and unknown types are checked", () => {
  match(eventProblems("install", { severity: "Fatal" })[0]!, /one of "Informational"/);
  match(eventProblems("install", { version: null })[0]!, /does not allow null/);
  deepEqual(eventProblems("configuration", { "edr.group_id": null }), []);
  deepEqual(eventProblems("nonsense", {}), ['Unknown event type "nonsense"']);
  throws(() => validateEvent("install", { code: 3 }), TypeError);
});

Deno.test("array groups and feature families are matched to their catalogue entries", () => {
  deepEqual(
    eventProblems("configuration", {
      "antivirus_engine.exclusions": [{ path: "/tmp", is_directory: true }, { extension: ".log" }],
      "features.fast_scan": true,
    }),
    [],
  );
  match(
    eventProblems("configuration", { "antivirus_engine.exclusions": [{ colour: "red" }] })[0]!,
    /colour/,
  );
  match(eventProblems("configuration", { "features.fast_scan": "yes" })[0]!, /boolean/);
});

Deno.test("fields split into required and optional parts by their own tier", () => {
  const parts = splitByTier("configuration", {
    "cloud_service.enabled": false,
    "edr.latency_mode": "normal",
    "antivirus_engine.exclusions": [{ name: "core" }],
  });
  deepEqual(parts, {
    required: { "cloud_service.enabled": false },
    optional: { "edr.latency_mode": "normal", "antivirus_engine.exclusions": [{ name: "core" }] },
  });
  ok(splitByTier("auto_update_configuration", { how_to_check: "manual" }).required === undefined);
});
