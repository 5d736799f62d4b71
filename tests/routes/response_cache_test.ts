import { equal } from "node:assert/strict";
import { Hono } from "hono";
import { recordEvents } from "../../record/record_events.ts";
import { loadIdentity } from "../../identity/identity.ts";
import { responseCache } from "../../routes/response_cache.ts";
import { appFixture, local } from "./_app_fixture.ts";

Deno.test("one answer serves the same question within its lifetime, and a new scope asks again", async () => {
  let computed = 0;
  let scope = "a";
  const app = new Hono();
  app.use("*", responseCache(60_000, () => Promise.resolve(scope)));
  app.get("/x", (c) => c.json({ n: ++computed }));
  app.get("/text", (c) => c.text(String(++computed)));
  for (let i = 0; i < 5; i++) equal((await (await app.request("/x")).json()).n, 1);
  equal((await (await app.request("/x?other")).json()).n, 2, "another URL is another question");
  scope = "b";
  equal((await (await app.request("/x")).json()).n, 3);
  equal(await (await app.request("/text")).text(), "4");
  equal(await (await app.request("/text")).text(), "5", "only JSON answers are kept");
});

Deno.test("a cached list never hides a new event or outlives the policy it was made under", async () => {
  await using fx = await appFixture("optional");
  const first = await (await fx.app.request(local("/api/events?limit=1"))).json();
  equal(Object.keys(first.events[0].parts).includes("optional"), true);
  const identity = await loadIdentity(fx.store.db, fx.policy.current);
  await recordEvents(fx.store.db, identity, fx.policy.current, [{
    type: "support_log_consent",
    fields: { granted: true, actor: "Ada", purpose: "support_logs" },
  }]);
  const second = await (await fx.app.request(local("/api/events?limit=1"))).json();
  equal(second.events[0].type, "support_log_consent", "the new event shows at once");
  const lowered = await fx.app.request(local("/api/preferences", {
    method: "POST",
    headers: { "content-type": "application/json", "x-vitrine-token": "a".repeat(64) },
    body: JSON.stringify({ key: "cloudService.diagnosticLevel", value: "required" }),
  }));
  equal(lowered.status, 200);
  const after = await (await fx.app.request(local("/api/events?limit=50"))).json();
  equal(
    after.events.some((e: { parts: object }) => "optional" in e.parts),
    false,
    "no cached optional data after the level was lowered",
  );
});
