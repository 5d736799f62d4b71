// WCAG 2.2 AA on every page and state of the dashboard, in both colour
// schemes, checked by axe-core in Debian's Chromium; and the two tasks a
// keyboard-only person must be able to finish: a privacy change and an
// export download.
import { deepEqual, equal, ok } from "node:assert/strict";
import type { Page } from "playwright-core";
import { endChild, readUntil, runCli, spawnAgent, tempDir, waitFor } from "../_helpers.ts";
import { startReceiver } from "../../testing/otlp_receiver.ts";
import { axeViolations as violations, launchBrowser } from "../../testing/browser.ts";
import { requires } from "../../testing/requires.ts";

/** A free port on loopback. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts an agent collecting every second at the optional level, sending off. */
async function startAgent(
  dir: string,
  managed: string,
): Promise<{ base: string; stop(): Promise<void> }> {
  await Deno.writeTextFile(managed, "{}");
  const port = freePort();
  const child = spawnAgent([
    "--data-dir",
    dir,
    "--port",
    String(port),
    "--interval",
    "1",
    "--managed-config",
    managed,
  ]);
  await readUntil(child.stderr, "Dashboard:");
  const flags = ["--data-dir", dir, "--managed-config", managed];
  equal(
    (await runCli(["config", "set", "cloudService.diagnosticLevel", "optional", ...flags])).code,
    0,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor("a few collections at the optional level", async () => {
    const health = await (await fetch(`${base}/api/health`)).json();
    return health.level === "optional" && health.counts.optional >= 4;
  }, 20_000);
  return {
    base,
    async stop() {
      await endChild(child);
    },
  };
}

/** Opens `path` and waits until what the page draws by script is drawn. */
async function open(page: Page, base: string, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  if (await page.locator("[data-metric]").count() > 0) {
    await page.waitForSelector("[data-metric][data-points]", { timeout: 10_000 });
  }
}

Deno.test({
  name: "every page and state has no WCAG 2.2 AA violation, in the light and the dark scheme",
  ...requires("chromium"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    const managed = `${dir.path}/managed.json`;
    const agent = await startAgent(dir.path, managed);
    const browser = await launchBrowser();
    try {
      const events = await (await fetch(`${agent.base}/api/events?type=system_statistics&limit=1`))
        .json();
      const eventId = events.events[0].id;
      const found: Record<string, string[]> = {};
      const check = async (state: string, prepare: (page: Page) => Promise<void>) => {
        for (const colorScheme of ["light", "dark"] as const) {
          const context = await browser.newContext({ bypassCSP: true, colorScheme });
          const page = await context.newPage();
          try {
            await prepare(page);
            const list = await violations(page);
            if (list.length > 0) found[`${state} (${colorScheme})`] = list;
          } finally {
            await context.close();
          }
        }
      };
      // Sending off, no managed settings.
      const pages: [string, string][] = [
        ["overview", "/"],
        ["events", "/events"],
        ["events, none match", "/events?type=crash"],
        ["events, filtered", "/events?type=system_statistics&tier=optional"],
        ["events, searched", "/events?search=linux"],
        ["events, a bad filter", "/events?since=yesterday"],
        ["an event", `/events/${eventId}?view=optional`],
        ["charts", "/charts"],
        ["catalogue", "/catalog"],
        ["privacy", "/privacy"],
        ["samples, none detected", "/samples"],
        ["sent, nothing sent", "/sent"],
        ["export", "/export"],
      ];
      for (const [state, path] of pages) await check(state, (page) => open(page, agent.base, path));
      await check("privacy, the confirmation dialog open", async (page) => {
        await open(page, agent.base, "/privacy");
        const form = "form[data-setting='cloudService.automaticSampleSubmissionConsent']";
        await page.check(`${form} input[value=all]`);
        await page.click(`${form} button`);
        await page.waitForSelector("#confirm-change[open]");
      });

      // A managed file that sends to an endpoint that is down: locked settings, failing sending.
      const down = freePort();
      await Deno.writeTextFile(
        managed,
        JSON.stringify({
          cloudService: {
            enabled: true,
            serviceUri: `http://127.0.0.1:${down}`,
            diagnosticLevel: "optional",
            timeout: 1,
          },
          connectionRetryTimeout: 1,
        }),
      );
      await waitFor("the managed file in effect and sending failing", async () => {
        const health = await (await fetch(`${agent.base}/api/health`)).json();
        return health.policy.managedState === "valid" && health.uplink?.lastError !== null &&
          health.uplink?.lastError !== undefined;
      }, 20_000);
      await check("privacy, managed", (page) => open(page, agent.base, "/privacy"));
      await check("sent, failing with records waiting", (page) => open(page, agent.base, "/sent"));
      await check("overview, sending failing", (page) => open(page, agent.base, "/"));

      // The endpoint back, answering: the sent page full of deliveries.
      await using receiver = startReceiver();
      await Deno.writeTextFile(
        managed,
        JSON.stringify({
          cloudService: { enabled: true, serviceUri: receiver.url, diagnosticLevel: "optional" },
        }),
      );
      await waitFor("deliveries to the receiver", async () => {
        const health = await (await fetch(`${agent.base}/api/health`)).json();
        return receiver.received.length > 20 && health.uplink?.lastSuccessAt !== null;
      }, 30_000);
      await check("sent, busy delivering", (page) => open(page, agent.base, "/sent"));
      await check("overview, sending", (page) => open(page, agent.base, "/"));
      deepEqual(found, {}, `axe-core found:\n${JSON.stringify(found, null, 2)}`);
    } finally {
      await browser.close();
      await agent.stop();
    }
  },
});

Deno.test({
  name: "with the keyboard alone a person changes a privacy setting and downloads an export",
  ...requires("chromium"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    const agent = await startAgent(dir.path, `${dir.path}/managed.json`);
    const browser = await launchBrowser();
    try {
      const url = (await runCli(["dashboard", "--data-dir", dir.path])).stdout.trim();
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(url);
      const tabTo = async (selector: string, what: string) => {
        for (let i = 0; i < 80; i++) {
          await page.keyboard.press("Tab");
          if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
            // Whatever has the focus shows it.
            const outline = await page.evaluate(() =>
              getComputedStyle(document.activeElement!).outlineStyle
            );
            ok(outline !== "none", `the focus on ${what} is visible`);
            return;
          }
        }
        const visited: string[] = [];
        for (let i = 0; i < 30; i++) {
          await page.keyboard.press("Tab");
          visited.push(
            await page.evaluate(() => {
              const e = document.activeElement;
              return e
                ? `${e.tagName}${e.id ? "#" + e.id : ""}[${e.textContent?.slice(0, 20)}]`
                : "none";
            }),
          );
        }
        throw new Error(`Tab never reached ${what}: ${visited.join(" ")} at ${page.url()}`);
      };

      // Privacy: sample submission from "safe" to "none", confirmed in the dialog.
      await page.goto(`${agent.base}/privacy`);
      const form = "form[data-setting='cloudService.automaticSampleSubmissionConsent']";
      await tabTo(`${form} input[type=radio]`, "the sample submission choices");
      await page.keyboard.press("ArrowUp");
      equal(
        await page.evaluate(() => (document.activeElement as HTMLInputElement).value),
        "none",
      );
      await tabTo(`${form} button[type=submit]`, "the Apply button");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#confirm-change[open]");
      equal(
        await page.evaluate(() => document.activeElement?.textContent),
        "Cancel",
        "Cancel has the focus first",
      );
      await page.keyboard.press("Shift+Tab");
      equal(await page.evaluate(() => document.activeElement?.textContent), "Apply");
      await page.keyboard.press("Enter");
      // Once applied the page shows what is now in effect and says so in the live region.
      await page.waitForSelector(`${form} output.result.ok:has-text("Applied")`, {
        timeout: 10_000,
      });
      equal(
        await page.evaluate(() => document.activeElement?.textContent),
        "Apply",
        "the focus is back on the form that changed",
      );
      await waitFor("the setting to apply", async () => {
        const health = await (await fetch(`${agent.base}/api/health`)).json();
        return health.policy.settings.find((s: { key: string }) =>
          s.key === "cloudService.automaticSampleSubmissionConsent"
        ).value === "none";
      });

      // Export: to the download button, Enter, a file that verifies.
      await page.goto(`${agent.base}/export`);
      await tabTo("form[action='/api/export'] button[type=submit]", "the download button");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.keyboard.press("Enter"),
      ]);
      const saved = `${dir.path}/download.json`;
      await download.saveAs(saved);
      const verified = await runCli(["verify", saved]);
      equal(verified.code, 0, verified.stderr);
      await context.close();
    } finally {
      await browser.close();
      await agent.stop();
    }
  },
});
