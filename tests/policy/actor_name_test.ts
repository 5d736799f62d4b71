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

Deno.test("no one may decide under the agent's own name, however it is written", () => {
  for (const given of ["vitrine", "VITRINE", " Vitrine ", "ｖｉｔｒｉｎｅ"]) {
    const named = actorName(given);
    ok(!named.ok, given);
    ok(named.message.includes("the agent records its own decisions"), named.message);
  }
  equal(actorName("vitrine admin").ok, true, "a name that only contains the word is a person's");
});

Deno.test("a name with a line break, an escape, NUL or an invisible character is refused, escaped in the message", () => {
  for (
    const given of ["Eve\nvitrine: approved", "Eve\x1b[31m", "Eve\0", "Eve\u202eevE", "E\u200bve"]
  ) {
    const named = actorName(given);
    ok(!named.ok, JSON.stringify(given));
    ok(named.message.includes("control or invisible character"), named.message);
    // deno-lint-ignore no-control-regex
    ok(!/[\u0000-\u001f\u202e\u200b]/.test(named.message), "the message itself is printable");
  }
  equal(actorName("Zoë Ådmin-Łukasz 李").ok, true, "letters of every script are fine");
});
