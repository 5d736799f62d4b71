import { deepEqual, equal, match, ok } from "node:assert/strict";
import { appFixture, HOST, local, TOKEN } from "./_app_fixture.ts";

Deno.test("a request whose Host is not this server is refused with 403 before routing", async () => {
  await using fx = await appFixture();
  for (const host of ["evil.example", "127.0.0.1:9999", "attacker.test:7878", ""]) {
    const response = await fx.app.request(local("/api/events", { headers: { host } }));
    equal(response.status, 403, `host ${host}`);
  }
  equal(
    (await fx.app.request(local("/api/events", { headers: { host: "localhost:7878" } }))).status,
    200,
  );
  equal(
    (await fx.app.request(local("/nonexistent-page", { headers: { host: "evil.example" } })))
      .status,
    403,
  );
});

Deno.test("every response carries a strict CSP without inline script, frame-ancestors none and nosniff", async () => {
  await using fx = await appFixture();
  for (const path of ["/", "/api/health", "/static/vitrine.css", "/missing"]) {
    const response = await fx.app.request(local(path));
    const csp = response.headers.get("content-security-policy") ?? "";
    match(csp, /script-src 'self'/);
    ok(!csp.includes("unsafe-inline"), path);
    match(csp, /frame-ancestors 'none'/);
    equal(response.headers.get("x-content-type-options"), "nosniff");
  }
});

Deno.test("state-changing requests need the token, a JSON content type and a same-site origin", async () => {
  await using fx = await appFixture();
  const body = JSON.stringify({
    key: "cloudService.automaticSampleSubmissionConsent",
    value: "none",
  });
  const post = (headers: Record<string, string>, payload = body) =>
    fx.app.request(local("/api/preferences", { method: "POST", headers, body: payload }));
  equal((await post({ "content-type": "application/json" })).status, 401, "no token");
  equal(
    (await post({ "content-type": "application/json", "x-vitrine-token": "b".repeat(64) })).status,
    401,
    "wrong token",
  );
  equal((await post({ "x-vitrine-token": TOKEN })).status, 415, "no content type");
  equal(
    (await post({ "content-type": "text/plain", "x-vitrine-token": TOKEN })).status,
    415,
    "form-like post",
  );
  equal(
    (await post({
      "content-type": "application/json",
      "x-vitrine-token": TOKEN,
      origin: "http://evil.example",
    })).status,
    403,
    "cross-site",
  );
  equal(fx.preferences.get("cloudService.automaticSampleSubmissionConsent"), undefined);
  const ok200 = await post({
    "content-type": "application/json",
    "x-vitrine-token": TOKEN,
    origin: `http://${HOST}`,
  });
  equal(ok200.status, 200);
  equal(fx.preferences.get("cloudService.automaticSampleSubmissionConsent"), "none");
});

Deno.test("the token in the dashboard URL becomes a strict cookie that authorises later posts", async () => {
  await using fx = await appFixture();
  const visit = await fx.app.request(local(`/?token=${TOKEN}`));
  equal(visit.status, 303);
  equal(visit.headers.get("location"), "/");
  const cookie = visit.headers.get("set-cookie") ?? "";
  match(cookie, /HttpOnly/);
  match(cookie, /SameSite=Strict/);
  const response = await fx.app.request(local("/api/consent", {
    method: "POST",
    headers: { "content-type": "application/json", cookie: cookie.split(";")[0]! },
    body: JSON.stringify({ granted: true, actor: "Ada" }),
  }));
  equal(response.status, 200);
  deepEqual(fx.consents, [{ granted: true, actor: "Ada" }]);
});

Deno.test("GET /api/events pages newest first and validates its parameters", async () => {
  await using fx = await appFixture();
  const first = await (await fx.app.request(local("/api/events?limit=2"))).json();
  equal(first.events.length, 2);
  ok(first.events[0].id > first.events[1].id);
  const second = await (await fx.app.request(local(`/api/events?limit=2&before=${first.next}`)))
    .json();
  equal(second.events.length, 1);
  equal(second.next, null);
  const byType = await (await fx.app.request(local("/api/events?type=install"))).json();
  deepEqual(byType.events.map((e: { type: string }) => e.type), ["install"]);
  for (
    const bad of [
      "tier=secret",
      "type=nope",
      "limit=0",
      "limit=5000",
      "since=yesterday",
      "before=-1",
    ]
  ) {
    const response = await fx.app.request(local(`/api/events?${bad}`));
    equal(response.status, 400, bad);
    ok((await response.json()).error.length > 10);
  }
});

Deno.test("the API takes the CLI's names: search= filters as --search does, q= is the same", async () => {
  await using fx = await appFixture();
  const bySearch = await (await fx.app.request(local("/api/events?search=set%20up"))).json();
  deepEqual(bySearch.events.map((e: { type: string }) => e.type), ["install"]);
  const byQ = await (await fx.app.request(local("/api/events?q=set%20up"))).json();
  deepEqual(byQ.events, bySearch.events);
  const both = await fx.app.request(local("/api/events?search=set&q=other"));
  equal(both.status, 400);
  match((await both.json()).error, /search "set" and q "other"/);
});

Deno.test("an unknown query parameter answers 400 naming it and the ones the address takes", async () => {
  await using fx = await appFixture();
  const cases: [string, RegExp][] = [
    ["/api/events?serch=linux", /"serch".*type, tier, since, until, search/],
    ["/api/export?tiers=optional", /"tiers".*type, tier/],
    ["/api/health?verbose=1", /"verbose".*none/],
    ["/api/series?metric=cpu&span=1h", /"span".*metric, range/],
    ["/api/sent?page=2", /"page".*limit, before/],
  ];
  for (const [path, expected] of cases) {
    const response = await fx.app.request(local(path));
    equal(response.status, 400, path);
    match((await response.json()).error, expected, path);
  }
  equal((await fx.app.request(local("/api/events?search=x&tier=required&limit=3"))).status, 200);
});

Deno.test("at the required level the API shows no optional field", async () => {
  await using fx = await appFixture("required");
  const { events } = await (await fx.app.request(local("/api/events"))).json();
  ok(events.length > 0);
  ok(events.every((e: { parts: Record<string, unknown> }) => e.parts.optional === undefined));
  const optional = await (await fx.app.request(local("/api/events?tier=optional"))).json();
  deepEqual(optional.events, []);
});

Deno.test("GET /api/events/:id returns one event, 404 for unknown and 400 for junk ids", async () => {
  await using fx = await appFixture();
  const { events } = await (await fx.app.request(local("/api/events?limit=1"))).json();
  const one = await fx.app.request(local(`/api/events/${events[0].id}`));
  equal(one.status, 200);
  equal((await one.json()).id, events[0].id);
  equal((await fx.app.request(local("/api/events/999999"))).status, 404);
  equal((await fx.app.request(local("/api/events/abc"))).status, 400);
});

Deno.test("GET /api/catalog, /api/health and /api/identity describe this installation", async () => {
  await using fx = await appFixture();
  const catalog = await (await fx.app.request(local("/api/catalog"))).json();
  ok(catalog.events.some((e: { type: string }) => e.type === "kernel_statistics"));
  const health = await (await fx.app.request(local("/api/health"))).json();
  equal(health.counts.required, 3);
  equal(health.level, "optional");
  const identity = await (await fx.app.request(local("/api/identity"))).json();
  equal(identity.platform, "linux");
  ok(!identity.hostname.includes("."));
});

Deno.test("the overview page shows this machine's memory and stored counts", async () => {
  await using fx = await appFixture();
  const response = await fx.app.request(local("/"));
  equal(response.status, 200);
  const html = await response.text();
  match(html, /^<!doctype html>/);
  match(html, /Memory in use/);
  match(html, /Stored data/);
  ok(!/<script>[^<]/.test(html), "no inline script");
});

Deno.test("static files are served by plain name only", async () => {
  await using fx = await appFixture();
  const css = await fx.app.request(local("/static/vitrine.css"));
  equal(css.status, 200);
  match(css.headers.get("content-type") ?? "", /text\/css/);
  for (
    const path of [
      "/static/..%2Fdeno.json",
      "/static/../deno.json",
      "/static/%2e%2e/main.ts",
      "/static/nope.css",
    ]
  ) {
    equal((await fx.app.request(local(path))).status, 404, path);
  }
});

Deno.test("hostile search text and oversized bodies get clear answers, never a server error", async () => {
  await using fx = await appFixture();
  for (
    const q of [
      '"',
      "*",
      "NEAR(a b)",
      "a OR b",
      "-x",
      "^start",
      "col:value",
      "(((",
      "'; DROP TABLE event; --",
      "\u0000",
      "ü∂ß",
    ]
  ) {
    const response = await fx.app.request(local(`/api/events?q=${encodeURIComponent(q)}`));
    equal(response.status, 200, `search ${JSON.stringify(q)}: ${await response.clone().text()}`);
    const page = await fx.app.request(local(`/events?q=${encodeURIComponent(q)}`));
    equal(page.status, 200, `page search ${JSON.stringify(q)}`);
  }
  const big = await fx.app.request(local("/api/preferences", {
    method: "POST",
    headers: { "content-type": "application/json", "x-vitrine-token": TOKEN },
    body: JSON.stringify({ key: "orgId", value: "x".repeat(200_000) }),
  }));
  equal(big.status, 413);
  const notJson = await fx.app.request(local("/api/preferences", {
    method: "POST",
    headers: { "content-type": "application/json", "x-vitrine-token": TOKEN },
    body: "{not json",
  }));
  equal(notJson.status, 400);
  match((await notJson.json()).error, /not JSON/);
  const unknownKey = await fx.app.request(local("/api/preferences", {
    method: "POST",
    headers: { "content-type": "application/json", "x-vitrine-token": TOKEN },
    body: JSON.stringify({ key: "cloudService.secretMode", value: true }),
  }));
  equal(unknownKey.status, 400);
});

Deno.test("GET /api/counts gives stored parts per tier and events per type within the policy", async () => {
  await using fx = await appFixture("required");
  const counts = await (await fx.app.request(local("/api/counts"))).json();
  deepEqual(counts.tiers, { required: 3, optional: 0 });
  deepEqual(counts.types, { install: { required: 1 }, system_statistics: { required: 2 } });
  const narrowed = await (await fx.app.request(local("/api/counts?type=install"))).json();
  deepEqual(narrowed.types, { install: { required: 1 } });
});
