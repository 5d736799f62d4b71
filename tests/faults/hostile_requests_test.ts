// Defects 6, 7 and 10: redirects stay on this server, out-of-range times
// are refused with a message, and beyond loopback reads need a token.
import { equal, match, ok } from "node:assert/strict";
import { currentPolicy } from "../../policy/current_policy.ts";
import { ProvisionedReadToken } from "../../agent/dashboard_token.ts";
import type { Hono } from "hono";
import { createApp } from "../../routes/app.ts";
import type { AppDeps } from "../../routes/app_deps.ts";
import { setPreference } from "../../store/meta_queries.ts";
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

/** The app as it serves beyond loopback (reads need a token), with `tokens` for reading. */
function beyondLoopback(
  fx: Awaited<ReturnType<typeof appFixture>>,
  tokens: Pick<AppDeps, "readToken" | "provisionedReadToken">,
): Hono {
  return createApp({
    store: fx.store,
    dataDir: "/nonexistent",
    policy: () => fx.policy.current,
    identity: () => ({} as never),
    status: () => undefined,
    token: TOKEN,
    ...tokens,
    readsNeedToken: true,
    allowedHosts: [HOST],
    changePreference: () => Promise.reject(new Error("not reached")),
    recordConsent: () => Promise.reject(new Error("not reached")),
    deleteDiagnosticData: () => Promise.reject(new Error("not reached")),
    decideHeldSample: () => Promise.reject(new Error("not reached")),
  });
}

Deno.test("beyond loopback every read needs a token: the dashboard's, or the read-only one for GET", async () => {
  await using fx = await appFixture();
  const read = "r".repeat(64);
  const app = beyondLoopback(fx, { readToken: read });
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

Deno.test("a fleet's provisioned read token (dashboard.readTokenFile) reads beyond loopback, never writes, and a weak or open file is refused", async () => {
  await using fx = await appFixture();
  await using dir = await tempDir();
  const file = `${dir.path}/read.token`;
  const fleet = "f".repeat(40);
  await Deno.writeTextFile(file, `${fleet}\n`);
  await setPreference(fx.store.db, "dashboard.readTokenFile", file);
  fx.policy.current = await currentPolicy(fx.store.db, `${dir.path}/managed.json`);
  const provisioned = new ProvisionedReadToken();
  const app = beyondLoopback(fx, {
    readToken: "r".repeat(64),
    provisionedReadToken: () => provisioned.current(fx.policy.current),
  });
  const get = (token: string, path = "/metrics") =>
    app.request(local(path, { headers: { authorization: `Bearer ${token}` } }));
  equal((await get(fleet)).status, 200, "the fleet's token scrapes /metrics");
  equal((await get(fleet, "/api/health")).status, 200);
  equal((await get("r".repeat(64))).status, 200, "this machine's own read token still works");
  equal((await get("g".repeat(40))).status, 401);
  const write = await app.request(local("/api/consent", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fleet}` },
    body: JSON.stringify({ granted: true, actor: "x" }),
  }));
  equal(write.status, 401, "the fleet's token never changes anything");
  // A short token is no credential: refused, and said.
  await Deno.writeTextFile(file, "short\n");
  equal((await get("short")).status, 401);
  match(provisioned.problem ?? "", /at least 32 printable characters/);
  // Renewed in place: the new token works at once, the old one no more.
  const renewed = "n".repeat(48);
  await Deno.writeTextFile(file, `${renewed}\n`);
  equal((await get(renewed)).status, 200);
  equal((await get(fleet)).status, 401);
  equal(provisioned.problem, null);
});
