import { deepEqual, equal, ok } from "node:assert/strict";
import { allowedTiers } from "../../policy/tiers.ts";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { readManagedFile } from "../../policy/read_managed_file.ts";
import { ROOT, tempDir } from "../_helpers.ts";
import expected from "./malformed_expected.json" with { type: "json" };

const MALFORMED = `${ROOT}tests/policy/malformed`;
const WANTS_OPTIONAL = new Map<string, unknown>([
  ["cloudService.diagnosticLevel", "optional"],
  ["cloudService.automaticSampleSubmissionConsent", "all"],
  ["cloudService.enabled", true],
]);

Deno.test("each of the malformed managed files gives a precise message and leaves the agent at the required tier", async () => {
  const entries = Object.entries(expected as Record<string, string>);
  ok(entries.length >= 30, `only ${entries.length} malformed files`);
  for (const [file, fragment] of entries) {
    const path = `${MALFORMED}/${file}`;
    const managed = await readManagedFile(path);
    equal(managed.state, "invalid", file);
    const messages = managed.problems.map((p) => p.message).join(" | ");
    ok(messages.includes(fragment), `${file}: expected "${fragment}" in: ${messages}`);
    ok(
      managed.problems.every((p) => p.message.includes(path)),
      `${file}: the message must name the file`,
    );
    // Local preferences asking for more do not get it while the file is bad.
    const policy = combinePolicy(path, managed, WANTS_OPTIONAL);
    equal(policy.level, "required", file);
    deepEqual(allowedTiers(policy, "store"), ["required"]);
    deepEqual(allowedTiers(policy, "send"), []);
    equal(policy.get("cloudService.automaticSampleSubmissionConsent"), "none");
    equal(policy.source("cloudService.diagnosticLevel"), "fail_closed");
  }
});

Deno.test("a directory, an oversized file and an absent file are told apart", async () => {
  await using dir = await tempDir();
  const asDir = await readManagedFile(dir.path);
  equal(asDir.state, "invalid");
  ok(asDir.problems[0]!.message.includes("is not a regular file"));
  await Deno.writeTextFile(`${dir.path}/big.json`, `{"orgId": "${"x".repeat(1024 * 1024)}"}`);
  const big = await readManagedFile(`${dir.path}/big.json`);
  equal(big.state, "invalid");
  ok(big.problems[0]!.message.includes("more than the 1048576 allowed"));
  const absent = await readManagedFile(`${dir.path}/none.json`);
  deepEqual([absent.state, absent.problems], ["absent", []]);
  equal(
    combinePolicy(`${dir.path}/none.json`, absent, new Map()).level,
    "required",
    "privacy-first default",
  );
});

Deno.test("a managed key wins over a local preference and is marked managed", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/managed.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({ cloudService: { diagnosticLevel: "required" }, orgId: "acme-42" }),
  );
  const policy = combinePolicy(path, await readManagedFile(path), WANTS_OPTIONAL);
  equal(policy.managedState, "valid");
  equal(policy.level, "required");
  equal(policy.source("cloudService.diagnosticLevel"), "managed");
  equal(policy.source("cloudService.automaticSampleSubmissionConsent"), "local");
  equal(policy.get("orgId"), "acme-42");
  equal(
    combinePolicy(path, await readManagedFile(path), new Map())
      .get("cloudService.automaticSampleSubmissionConsent"),
    "safe",
    "default sample level",
  );
});

Deno.test("exclusions merge across sources unless the managed file says admin_only", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/managed.json`;
  const adminList = [{ $type: "excludedPath", path: "/srv/cache", isDirectory: true }];
  const local = new Map<string, unknown>([["antivirusEngine.exclusions", [{
    $type: "excludedFileExtension",
    extension: ".log",
  }]]]);
  await Deno.writeTextFile(path, JSON.stringify({ antivirusEngine: { exclusions: adminList } }));
  const merged = combinePolicy(path, await readManagedFile(path), local);
  equal(merged.get("antivirusEngine.exclusions").length, 2);
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      antivirusEngine: { exclusions: adminList, exclusionsMergePolicy: "admin_only" },
    }),
  );
  const adminOnly = combinePolicy(path, await readManagedFile(path), local);
  deepEqual(adminOnly.get("antivirusEngine.exclusions"), adminList);
});
