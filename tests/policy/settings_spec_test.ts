import { equal, match } from "node:assert/strict";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { isSettingKey, SETTINGS, settingSpec } from "../../policy/settings_spec.ts";
import { ROOT, tempDir } from "../_helpers.ts";

Deno.test("a setting read through the policy has the type its spec gives", () => {
  const policy = combinePolicy(
    "/none",
    { state: "absent", values: new Map(), problems: [] },
    new Map(),
  );
  const timeout: number = policy.get("cloudService.timeout");
  const level: "required" | "optional" = policy.get("cloudService.diagnosticLevel");
  const org: string | null = policy.get("orgId");
  equal(timeout, 60);
  equal(level, "required");
  equal(org, null);
  // @ts-expect-error a misspelt key is not a setting
  policy.get("cloudService.diagnosticLvl");
  equal(isSettingKey("cloudService.diagnosticLvl"), false);
  equal(settingSpec("retention.maxAgeDays")?.default, 30);
  equal(new Set(SETTINGS.map((s) => s.key)).size, SETTINGS.length, "keys are unique");
});

Deno.test("deno check rejects a misspelt setting key", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/misspelt.ts`;
  await Deno.writeTextFile(
    file,
    `import type { Policy } from "${ROOT}policy/policy.ts";
export function level(policy: Policy): string {
  return policy.get("cloudService.diagnosticLvl");
}
`,
  );
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--config", `${ROOT}deno.json`, file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(check.code, 1);
  match(new TextDecoder().decode(check.stderr), /"cloudService\.diagnosticLvl"/);
});
