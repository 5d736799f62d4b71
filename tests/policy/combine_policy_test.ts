import { deepEqual } from "node:assert/strict";
import { combinePolicy } from "../../policy/combine_policy.ts";

const FILE = "/etc/vitrine/managed.json";

Deno.test("the managed file wins over a local preference, which wins over the default", () => {
  const policy = combinePolicy(
    FILE,
    {
      state: "valid",
      values: new Map([["cloudService.diagnosticLevel", "required"]]),
      problems: [],
    },
    new Map<string, unknown>([
      ["cloudService.diagnosticLevel", "optional"],
      ["cloudService.enabled", true],
    ]),
  );
  deepEqual(policy.get("cloudService.diagnosticLevel"), "required");
  deepEqual(policy.source("cloudService.diagnosticLevel"), "managed");
  deepEqual(policy.get("cloudService.enabled"), true);
  deepEqual(policy.source("cloudService.enabled"), "local");
  deepEqual(policy.source("retention.maxSizeMB"), "default");
});

Deno.test("an invalid managed file pins what leaves to its most private value and keeps the rest local", () => {
  const policy = combinePolicy(
    FILE,
    { state: "invalid", values: new Map(), problems: [] },
    new Map<string, unknown>([
      ["cloudService.diagnosticLevel", "optional"],
      ["cloudService.enabled", true],
      ["cloudService.automaticSampleSubmissionConsent", "all"],
      ["retention.maxSizeMB", 64],
    ]),
  );
  deepEqual(policy.get("cloudService.diagnosticLevel"), "required");
  deepEqual(policy.get("cloudService.enabled"), false);
  deepEqual(policy.get("cloudService.automaticSampleSubmissionConsent"), "none");
  deepEqual(policy.source("cloudService.enabled"), "fail_closed");
  deepEqual(policy.get("retention.maxSizeMB"), 64);
});

Deno.test("exclusions add up across the managed file and preferences unless the admin says admin_only", () => {
  const local = new Map<string, unknown>([["antivirusEngine.exclusions", [{ path: "/home" }]]]);
  const managed = (merge: string) => ({
    state: "valid" as const,
    values: new Map<string, unknown>([
      ["antivirusEngine.exclusions", [{ path: "/srv" }]],
      ["antivirusEngine.exclusionsMergePolicy", merge],
    ]),
    problems: [],
  });
  deepEqual(
    combinePolicy(FILE, managed("merge"), local).get("antivirusEngine.exclusions"),
    [{ path: "/srv" }, { path: "/home" }],
  );
  deepEqual(
    combinePolicy(FILE, managed("admin_only"), local).get("antivirusEngine.exclusions"),
    [{ path: "/srv" }],
  );
});
