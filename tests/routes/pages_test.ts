import { equal, match, ok } from "node:assert/strict";
import { appFixture, local } from "./_app_fixture.ts";

Deno.test("every dashboard page renders with its navigation marked and no inline script", async () => {
  await using fx = await appFixture();
  for (
    const [path, heading] of [
      ["/", "Overview"],
      ["/events", "Events"],
      ["/charts", "Charts"],
      ["/catalog", "Catalogue"],
      ["/privacy", "Privacy"],
      ["/export", "Export"],
    ]
  ) {
    const response = await fx.app.request(local(path!));
    equal(response.status, 200, path);
    const html = await response.text();
    match(html, new RegExp(`<h1>${heading}</h1>`));
    match(html, new RegExp(`href="${path}" aria-current="page"`));
    ok(!/<script(?![^>]*src=)[^>]*>/.test(html), `${path} has an inline script`);
  }
});

Deno.test("the events page filters by type and search and pages with a cursor", async () => {
  await using fx = await appFixture();
  const installs = await (await fx.app.request(local("/events?type=install"))).text();
  match(installs, /1 events, newest first/);
  const searched = await (await fx.app.request(local("/events?q=Informational"))).text();
  match(searched, /<code>install<\/code>/);
  ok(!searched.includes("<code>system_statistics</code>"));
  const page = await (await fx.app.request(local("/events?limit=1"))).text();
  match(page, /href="\/events\?limit=1&amp;before=\d+" rel="next"/);
  const bad = await fx.app.request(local("/events?tier=everything"));
  equal(bad.status, 400);
  match(await bad.text(), /The tier &quot;everything&quot; is not one of required, optional/);
});

Deno.test("an event page explains each field and shows what leaves at each level", async () => {
  await using fx = await appFixture();
  const { events } =
    await (await fx.app.request(local("/api/events?type=system_statistics&limit=1"))).json();
  const required = await (await fx.app.request(local(`/events/${events[0].id}`))).text();
  match(required, /Nothing of this event left this machine, and nothing will: sending is off/);
  match(required, /Sending is off: nothing leaves it/);
  match(required, /Usable RAM \(sysinfo\)\./);
  const leavingRequired = Number(/At the required level, (\d+) of these/.exec(required)![1]);
  const optional = await (await fx.app.request(local(`/events/${events[0].id}?view=optional`)))
    .text();
  const leavingOptional = Number(/At the optional level, (\d+) of these/.exec(optional)![1]);
  ok(leavingOptional > leavingRequired, `${leavingOptional} > ${leavingRequired}`);
  equal((await fx.app.request(local("/events/424242"))).status, 404);
});

Deno.test("the catalogue page says what this machine collects now", async () => {
  await using fx = await appFixture("required");
  const html = await (await fx.app.request(local("/catalog"))).text();
  match(html, /no: optional: not at the required level/);
  // Every catalogued event can now happen (uploads, intelligence updates, uninstall).
  ok(!html.includes("vitrine never records this event"));
  match(html, /<code>ipc.kauth_file_op.open<\/code>/);
});

Deno.test("the privacy page states the effect of lowering the level, with the stored count", async () => {
  await using fx = await appFixture("optional");
  const html = await (await fx.app.request(local("/privacy"))).text();
  match(html, /Lowering to required deletes 2 stored optional records/);
  match(html, /src="\/static\/privacy_island.js"/);
});

Deno.test("series and event counts feed the charts, and optional series are withheld at the required level", async () => {
  await using fx = await appFixture("required");
  const memory = await (await fx.app.request(local("/api/series?metric=memory&range=30d"))).json();
  equal(memory.labels[0], "used");
  ok(memory.data[0].length >= 1);
  const activity = await (await fx.app.request(local("/api/series?metric=file_activity&range=30d")))
    .json();
  match(activity.note, /optional data/);
  equal(activity.data[0].length, 0);
  equal((await fx.app.request(local("/api/series?metric=secrets&range=1h"))).status, 400);
  equal((await fx.app.request(local("/api/series?metric=memory&range=forever"))).status, 400);
  const counts = await (await fx.app.request(local("/api/series?metric=events&range=30d"))).json();
  equal(counts.labels.join(), "required");
});

Deno.test("the live stream opens with a hello event", async () => {
  await using fx = await appFixture();
  const response = await fx.app.request(local("/api/stream"));
  match(response.headers.get("content-type") ?? "", /text\/event-stream/);
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  match(new TextDecoder().decode(value), /event: hello/);
  await reader.cancel();
});

Deno.test("the sent and samples pages say in words that nothing was sent or flagged, without an empty table", async () => {
  await using fx = await appFixture();
  const sent = await (await fx.app.request(local("/sent"))).text();
  match(sent, /Nothing was ever sent from this data directory\./);
  match(sent, /No sample was ever sent to a sample store\./);
  ok(!sent.includes("<caption>Every attempt to deliver a batch</caption>"));
  const samples = await (await fx.app.request(local("/samples"))).text();
  match(samples, /ClamAV has flagged nothing since vitrine began reading its log\./);
  ok(!samples.includes("<caption>The latest samples and what became of each</caption>"));
});
