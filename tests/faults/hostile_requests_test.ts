// Defects 6, 7 and 10: redirects stay on this server, out-of-range times
// are refused with a message, and beyond loopback reads need a token.
import { equal, match, ok } from "node:assert/strict";
import { createApp } from "../../routes/app.ts";
import { appFixture, HOST, local, TOKEN } from "../routes/_app_fixture.ts";
import { runCli, tempDir } from "../_helpers.ts";

Deno.test("the token landing redirects only to a path on this server", async () => {
  await using fx = await appFixture();
  for (
    const path of [
      "//evil.com/?token=x",
      "/\\evil.com/?token=x",
      "///evil.com?token=x",
      "/\\/evil.com/?token=x",
      "/%2F%2Fevil.com/?token=x",
      `//evil.com/?token=${TOKEN}`,
      "/\t/evil.com/?token=x",
    ]
  ) {
    const response = await fx.app.request(local(path));
    equal(response.status, 303, path);
    const location = response.headers.get("location") ?? "";
    ok(/^\/(?![/\\])/.test(location), `${path} -> ${location}`);
    equal(new URL(location, `http://${HOST}`).host, HOST, `${path} -> ${location}`);
  }
  equal(
    (await fx.app.request(local("/events?type=install&token=x"))).headers.get("location"),
    "/events?type=install",
  );
});

Deno.test("times out of range are refused by the API and the CLI with a message", async () => {
  await using fx = await appFixture();
  for (
    const query of [
      "/api/export?until=9999999999999999",
      "/api/export?since=8640000000000001",
      "/api/events?until=9999999999999999",
      "/api/counts?since=9000000000000000",
      "/api/events?since=%2B275761-01-01T00:00:00Z",
    ]
  ) {
    const response = await fx.app.request(local(query));
    equal(response.status, 400, query);
    match((await response.json()).error, /out of range|not a date/, query);
  }
  await using dir = await tempDir();
  const cli = await runCli(["export", "--until", "9000000000000000", "--data-dir", dir.path]);
  equal(cli.code, 2);
  match(cli.stderr, /The until time "9000000000000000" is out of range/);
  ok(!cli.stderr.includes("    at "), "no stack trace");
});

Deno.test("beyond loopback every read needs a token: the dashboard's, or the read-only one for GET", async () => {
  await using fx = await appFixture();
  const read = "r".repeat(64);
  const app = createApp({
    store: fx.store,
    dataDir: "/nonexistent",
    policy: () => fx.policy.current,
    identity: () => ({} as never),
    status: () => undefined,
    token: TOKEN,
    readToken: read,
    readsNeedToken: true,
    allowedHosts: [HOST],
    changePreference: () => Promise.reject(new Error("not reached")),
    recordConsent: () => Promise.reject(new Error("not reached")),
  });
  for (const path of ["/", "/api/events", "/api/health", "/static/vitrine.css", "/events/1"]) {
    const bare = await app.request(local(path));
    equal(bare.status, 401, path);
    match((await bare.json()).error, /reading needs a token/);
  }
  const bearer = await app.request(
    local("/api/events", { headers: { authorization: `Bearer ${read}` } }),
  );
  equal(bearer.status, 200);
  const wrong = await app.request(
    local("/api/events", { headers: { authorization: `Bearer ${"x".repeat(64)}` } }),
  );
  equal(wrong.status, 401);
  const landing = await app.request(local(`/?token=${TOKEN}`));
  equal(landing.status, 303, "the dashboard URL still lands");
  const cookie = (landing.headers.get("set-cookie") ?? "").split(";")[0]!;
  equal((await app.request(local("/api/events", { headers: { cookie } }))).status, 200);
  const readCannotWrite = await app.request(local("/api/consent", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${read}` },
    body: JSON.stringify({ granted: true, actor: "x" }),
  }));
  equal(readCannotWrite.status, 401, "the read token never changes anything");
});
