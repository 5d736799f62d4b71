import { deepEqual, equal, match } from "node:assert/strict";
import { checkPreferenceChange } from "../../policy/check_preference_change.ts";
import { combinePolicy } from "../../policy/combine_policy.ts";

const managed = combinePolicy(
  "/etc/vitrine/managed.json",
  {
    state: "valid",
    values: new Map([["cloudService.diagnosticLevel", "required"]]),
    problems: [],
  },
  new Map(),
);
const failClosed = combinePolicy(
  "/etc/vitrine/managed.json",
  {
    state: "invalid",
    values: new Map(),
    problems: [{ file: "/etc/vitrine/managed.json", key: "", expected: "", message: "bad" }],
  },
  new Map(),
);

Deno.test("a valid local change is allowed, and removing a preference needs no value", () => {
  deepEqual(checkPreferenceChange(managed, "orgId", "acme"), {
    ok: true,
    key: "orgId",
    value: "acme",
  });
  deepEqual(checkPreferenceChange(managed, "orgId", undefined), {
    ok: true,
    key: "orgId",
    value: undefined,
  });
});

Deno.test("each refusal has its reason and a message naming the key or the file", () => {
  const unknown = checkPreferenceChange(managed, "cloudService.nope", 1);
  equal(unknown.ok || unknown.reason, "unknown_key");
  match(unknown.ok ? "" : unknown.message, /Unknown setting "cloudService.nope"/);
  const lockedByAdmin = checkPreferenceChange(managed, "cloudService.diagnosticLevel", "optional");
  equal(lockedByAdmin.ok || lockedByAdmin.reason, "managed");
  match(lockedByAdmin.ok ? "" : lockedByAdmin.message, /managed by "\/etc\/vitrine\/managed.json"/);
  const pinned = checkPreferenceChange(failClosed, "cloudService.enabled", true);
  equal(pinned.ok || pinned.reason, "fail_closed");
  match(pinned.ok ? "" : pinned.message, /most private value until/);
  const invalid = checkPreferenceChange(managed, "cloudService.timeout", 0);
  equal(invalid.ok || invalid.reason, "invalid_value");
  match(invalid.ok ? "" : invalid.message, /"cloudService.timeout" is 0: out of range/);
});
