// Drives Debian's Chromium through playwright-core against a running agent.
import { equal, match, ok } from "node:assert/strict";
import { endChild, readUntil, ROOT, runCli, spawnAgent, tempDir, waitFor } from "../_helpers.ts";
import { launchBrowser } from "../../testing/browser.ts";
import { requires } from "../../testing/requires.ts";

const SHOTS = `${ROOT}test-artefacts/screenshots`;

/** Checks that a chart's data, a few seconds old, spans most of its width. */
function filledByData(chart: Record<string, string | undefined>, what: string): void {
  const span = Number(chart.xMax) - Number(chart.xMin);
  const covered = (Number(chart.xMax) - Number(chart.first)) / span;
  ok(
    span > 0 && span < 900 && covered >= 0.8,
    `${what} is filled by its data (${covered} of a ${span} s axis): ${JSON.stringify(chart)}`,
  );
}

Deno.test({
  name: "a person can browse, filter, search, open an event and change a setting in the dashboard",
  ...requires("chromium"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.mkdir(SHOTS, { recursive: true });
    const managed = `${dir.path}/none.json`;
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const agent = spawnAgent([
      "--data-dir",
      dir.path,
      "--port",
      String(port),
      "--interval",
      "1",
      "--managed-config",
      managed,
    ]);
    const browser = await launchBrowser();
    try {
      await readUntil(agent.stderr, "Dashboard:");
      const flags = ["--data-dir", dir.path, "--managed-config", managed];
      equal(
        (await runCli(["config", "set", "cloudService.diagnosticLevel", "optional", ...flags]))
          .code,
        0,
      );
      const base = `http://127.0.0.1:${port}`;
      await waitFor("a few collections", async () => {
        const health = await (await fetch(`${base}/api/health`)).json();
        return health.level === "optional" && health.counts.optional >= 4;
      }, 20_000);
      const url = (await runCli(["dashboard", "--port", String(port), "--data-dir", dir.path]))
        .stdout.trim();
      match(url, /\?token=[0-9a-f]{64}$/);

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(url);
      equal(new URL(page.url()).search, "", "the token leaves the address bar");
      ok(await page.isVisible("text=Memory in use"));
      // What the overview draws: records where records exist, its own CPU while it runs.
      await page.waitForSelector("[data-metric=events][data-points]", { timeout: 10_000 });
      const events = await page.$eval("[data-metric=events]", (e) => ({ ...e.dataset }));
      ok(Number(events.nonzero) > 0, `the records chart draws records: ${JSON.stringify(events)}`);
      // A first run's chart spans what exists (its first minutes), not a day with a sliver.
      filledByData(events, "the records chart");
      match(await page.locator("#summary-events").textContent() ?? "", /points from .* newest/);
      const cpu = await page.locator("dt:has-text('Own CPU') + dd").textContent();
      match(cpu ?? "", /% of one core/);
      await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });

      // Keyboard: the first Tab reaches the skip link.
      await page.keyboard.press("Tab");
      equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");

      // Events: filter by type, then search.
      await page.goto(`${base}/events`);
      await page.selectOption("select[name=type]", "kernel_statistics");
      await page.click("button:has-text('Apply')");
      await page.waitForURL(/type=kernel_statistics/);
      const types = await page.$$eval(
        "tbody tr td:nth-child(2)",
        (cells) => cells.map((c) => c.textContent),
      );
      ok(types.length > 0 && types.every((t) => t === "kernel_statistics"), JSON.stringify(types));
      await page.screenshot({ path: `${SHOTS}/events-filtered.png`, fullPage: true });
      await page.goto(`${base}/events`);
      await page.fill("input[name=search]", "Informational");
      await page.press("input[name=search]", "Enter");
      await page.waitForURL(/search=Informational/);
      equal(
        await page.$$eval(
          "tbody tr td:nth-child(2)",
          (cells) => cells.map((c) => c.textContent).join(),
        ),
        "install",
      );

      // Open an event.
      await page.goto(`${base}/events?type=system_statistics`);
      await page.click("tbody tr:first-child a");
      await page.waitForURL(/\/events\/\d+$/);
      ok(await page.isVisible("text=What leaves this machine"));
      await page.click("text=At the optional level");
      await page.waitForURL(/view=optional/);
      await page.screenshot({ path: `${SHOTS}/event.png` });

      // A fresh install's charts open at the range its data covers, and say what they show.
      await page.goto(`${base}/charts`);
      await page.waitForSelector("[data-metric=memory][data-points]", { timeout: 10_000 });
      const first = await page.$eval("[data-metric=memory]", (e) => ({ ...e.dataset }));
      ok(
        Number(first.points) > 0,
        `a first run's memory chart has points: ${JSON.stringify(first)}`,
      );
      filledByData(first, "a first run's memory chart");
      equal(await page.inputValue("#range"), "15m", "the smallest range that covers the data");
      match(await page.locator("#summary-memory").textContent() ?? "", /used: newest .* lowest/);
      await page.click("#table-memory >> xpath=.. >> summary");
      ok(await page.isVisible("#table-memory table caption"), "the values as a table");
      await page.screenshot({ path: `${SHOTS}/charts-first-run.png`, fullPage: true });

      // Charts draw from the API, over exactly the chosen range.
      for (const [range, seconds] of [["15m", 900], ["1h", 3600]] as const) {
        await page.goto(`${base}/charts?range=${range}`);
        await page.waitForSelector("[data-metric=memory] canvas", { timeout: 10_000 });
        await page.waitForSelector("[data-metric=file_activity][data-points]");
        const drawn = await page.$$eval(
          "[data-metric]",
          (els) => els.map((e) => ({ ...e.dataset })),
        );
        for (const chart of drawn) {
          const span = Number(chart.xMax) - Number(chart.xMin);
          ok(Math.abs(span - seconds) <= 2, `${chart.metric} spans ${span} s for ${range}`);
          ok(
            Number(chart.xMax) >= Date.now() / 1000 - 5,
            `${chart.metric} ends now, not at ${chart.xMax}`,
          );
        }
        for (const metric of ["memory", "load", "disk", "agent"]) {
          const chart = drawn.find((c) => c.metric === metric);
          ok(Number(chart?.nonzero) > 0, `${metric} draws values: ${JSON.stringify(chart)}`);
        }
      }
      await page.screenshot({ path: `${SHOTS}/charts.png`, fullPage: true });

      await page.goto(`${base}/catalog`);
      await page.screenshot({ path: `${SHOTS}/catalog.png` });
      await page.goto(`${base}/export`);
      await page.screenshot({ path: `${SHOTS}/export.png` });

      // What left: nothing, with sending off, and every page's footer says so.
      await page.click("nav >> text=Sent");
      await page.waitForURL(/\/sent$/);
      ok(await page.isVisible("text=off: no event leaves this machine"));
      ok(await page.isVisible("footer >> text=Sending is off: nothing leaves it"));
      await page.screenshot({ path: `${SHOTS}/sent.png`, fullPage: true });

      // Change a setting: sample submission to none, confirming the effect.
      await page.goto(`${base}/privacy`);
      await page.check(
        "form[data-setting='cloudService.automaticSampleSubmissionConsent'] input[value=none]",
      );
      // The effect is said as the choice is made, and again in the dialog before it applies.
      match(
        await page.locator(
          "form[data-setting='cloudService.automaticSampleSubmissionConsent'] output",
        ).textContent() ?? "",
        /^None: /,
      );
      await page.click("form[data-setting='cloudService.automaticSampleSubmissionConsent'] button");
      await page.waitForSelector("#confirm-change[open]");
      await page.click("#confirm-change button[value=apply]");
      await waitFor("the setting to apply", async () => {
        const health = await (await fetch(`${base}/api/health`)).json();
        return health.policy.settings.find((s: { key: string }) =>
          s.key === "cloudService.automaticSampleSubmissionConsent"
        ).value === "none";
      });
      await page.waitForLoadState("load");
      await page.screenshot({ path: `${SHOTS}/privacy.png`, fullPage: true });

      // A cross-site page cannot change settings.
      const forged = await fetch(`${base}/api/preferences`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://evil.example" },
        body: JSON.stringify({ key: "cloudService.diagnosticLevel", value: "optional" }),
      });
      equal(forged.status, 403);

      // Narrow screens.
      const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
      await phone.goto(`${base}/`);
      const overflow = await phone.evaluate(() =>
        document.documentElement.scrollWidth - innerWidth
      );
      await phone.screenshot({ path: `${SHOTS}/overview-narrow.png`, fullPage: true });
      ok(overflow <= 1, `the overview scrolls sideways by ${overflow}px at 375px`);
      equal(errors.join("\n"), "", "no script errors in the browser");
    } finally {
      await browser.close();
      await endChild(agent);
    }
  },
});
