import { deepEqual, equal, ok } from "node:assert/strict";
import { actorName, MAX_ACTOR_LENGTH } from "../../policy/actor_name.ts";

Deno.test("a decision is recorded under the name given, trimmed", () => {
  deepEqual(actorName("  Ada Admin "), { ok: true, actor: "Ada Admin" });
  equal(actorName("x".repeat(MAX_ACTOR_LENGTH)).ok, true);
});

Deno.test("a decision without a name, or with one too long, is refused with the value quoted", () => {
  for (const given of ["", "   ", "x".repeat(MAX_ACTOR_LENGTH + 1)]) {
    const named = actorName(given);
    ok(!named.ok);
    ok(named.message.startsWith("Who decides must be named (1 to 200 characters)"));
    ok(named.message.includes(JSON.stringify(given.slice(0, 40))));
  }
});
