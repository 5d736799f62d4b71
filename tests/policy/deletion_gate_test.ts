import { deepEqual } from "node:assert/strict";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { DeletionGate, VANISHED_GRACE_MS } from "../../policy/deletion_gate.ts";
import type { ManagedState, Policy } from "../../policy/policy.ts";

function policyIn(state: ManagedState): Policy {
  const values = new Map<string, unknown>(
    state === "valid" ? [["cloudService.diagnosticLevel", "required"]] : [],
  );
  return combinePolicy("/etc/vitrine/managed.json", { state, values, problems: [] }, new Map());
}

Deno.test("a valid managed file or none at all may delete at once", () => {
  const gate = new DeletionGate();
  deepEqual(gate.mayDelete(policyIn("absent"), 0), true);
  deepEqual(gate.mayDelete(policyIn("valid"), 1), true);
});

Deno.test("an invalid managed file never deletes, however long it stays invalid", () => {
  const gate = new DeletionGate();
  gate.mayDelete(policyIn("valid"), 0);
  for (const at of [1, VANISHED_GRACE_MS, 10 * VANISHED_GRACE_MS, 1e9]) {
    deepEqual(gate.mayDelete(policyIn("invalid"), at), false, `at ${at}`);
  }
  deepEqual(gate.mayDelete(policyIn("valid"), 1e9 + 1), true);
});

Deno.test("a managed file that vanished deletes only once it stayed gone for the grace", () => {
  const gate = new DeletionGate();
  gate.mayDelete(policyIn("valid"), 0);
  deepEqual(gate.mayDelete(policyIn("absent"), 1000), false);
  deepEqual(gate.mayDelete(policyIn("absent"), 1000 + VANISHED_GRACE_MS - 1), false);
  deepEqual(gate.mayDelete(policyIn("absent"), 1000 + VANISHED_GRACE_MS), true);
});

Deno.test("a managed file put back within the grace restarts the count when it vanishes again", () => {
  const gate = new DeletionGate();
  gate.mayDelete(policyIn("valid"), 0);
  gate.mayDelete(policyIn("absent"), 1000);
  gate.mayDelete(policyIn("valid"), 2000);
  deepEqual(gate.mayDelete(policyIn("absent"), 3000), false);
  deepEqual(gate.mayDelete(policyIn("absent"), 3000 + VANISHED_GRACE_MS - 1), false);
});

Deno.test("a file that went from valid to invalid to gone still waits out the grace", () => {
  const gate = new DeletionGate();
  gate.mayDelete(policyIn("valid"), 0);
  gate.mayDelete(policyIn("invalid"), 100);
  deepEqual(gate.mayDelete(policyIn("absent"), 200), false);
  deepEqual(gate.mayDelete(policyIn("absent"), 200 + VANISHED_GRACE_MS), true);
});
