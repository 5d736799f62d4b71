// The samples API and page through app.request(): a held sample decided
// with the token only, the path shown at the optional level only.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { getSample, insertSample } from "../../store/sample_queries.ts";
import type { Store } from "../../store/open_store.ts";
import { sampleRow } from "../store/_sample_rows.ts";
import { appFixture, local, TOKEN } from "./_app_fixture.ts";

async function held(store: Store, id: string): Promise<void> {
  await insertSample(
    store.db,
    sampleRow(id, "held", {
      signature: "Vitrine.Test.Letter-0",
      sha256: "ab".repeat(32),
      size: 120,
      file_type: "plain text",
      path: "/home/jdoe/letter.txt",
      decision: "hold",
      findings: "e-mail address (1)",
      reason: "plain text holding e-mail address (1): held until a person consents",
    }),
  );
}

const decide = (id: string, decision: string, body: unknown, token = TOKEN) =>
  local(`/api/samples/${id}/${decision}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-vitrine-token": token },
    body: JSON.stringify(body),
  });

Deno.test("a held sample is approved or declined only with the token and a name, once", async () => {
  await using fx = await appFixture("optional");
  await held(fx.store, "s1");
  await held(fx.store, "s2");
  equal(
    (await fx.app.request(decide("s1", "approve", { actor: "Eve" }, "b".repeat(64)))).status,
    401,
  );
  equal((await fx.app.request(decide("s1", "approve", { actor: "  " }))).status, 400);
  equal((await fx.app.request(decide("s1", "approve", {}))).status, 400);
  equal((await fx.app.request(decide("nope", "approve", { actor: "Ada" }))).status, 404);
  equal((await fx.app.request(decide("s1", "delete", { actor: "Ada" }))).status, 404);
  equal((await getSample(fx.store.db, "s1"))?.state, "held", "nothing changed so far");

  const approved = await fx.app.request(decide("s1", "approve", { actor: "Ada" }));
  equal(approved.status, 200);
  equal((await approved.json()).sample.decidedBy, "Ada");
  const declined = await fx.app.request(decide("s2", "decline", { actor: "Grace" }));
  equal(declined.status, 200);
  const twice = await fx.app.request(decide("s2", "approve", { actor: "Eve" }));
  equal(twice.status, 409);
  match((await twice.json()).error, /is declined, not held/);
  deepEqual(
    [(await getSample(fx.store.db, "s1"))?.state, (await getSample(fx.store.db, "s2"))?.state],
    ["approved", "declined"],
  );
});

Deno.test("GET /api/samples lists by state and shows paths only at the optional level", async () => {
  for (const level of ["optional", "required"] as const) {
    await using fx = await appFixture(level);
    await held(fx.store, "s1");
    const answer = await fx.app.request(local("/api/samples?state=held"));
    equal(answer.status, 200);
    const report = await answer.json();
    deepEqual(report.counts, { held: 1 });
    equal(report.samples[0].signature, "Vitrine.Test.Letter-0");
    equal(report.samples[0].path, level === "optional" ? "/home/jdoe/letter.txt" : undefined);
    const page = await (await fx.app.request(local("/samples"))).text();
    equal(page.includes("/home/jdoe/letter.txt"), level === "optional", `the page at ${level}`);
    ok(page.includes('data-sample="s1"'), "the page offers the decision");
    match(page, /e-mail address \(1\)/);
  }
  await using fx = await appFixture();
  const bad = await fx.app.request(local("/api/samples?state=lost"));
  equal(bad.status, 400);
  match((await bad.json()).error, /The state "lost" is not one of queued, held/);
  equal((await fx.app.request(local("/api/samples?states=held"))).status, 400);
});
