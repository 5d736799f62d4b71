// Debian's Chromium for the browser tests, driven by playwright-core (never
// a browser a tool downloads itself).
import axe from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";

import { onPath } from "./requires.ts";

/** Starts Debian's Chromium (the one on PATH) headless, quiet (no updates, sync or first-run pages). */
export function launchBrowser(): Promise<Browser> {
  const executablePath = onPath("chromium");
  if (!executablePath) {
    throw new Error('chromium is not on PATH: gate the test with requires("chromium")');
  }
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** axe-core's rule sets for WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** The violations axe-core finds on the page as it is now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Injected as a script the page's CSP would refuse: the context bypasses CSP for this only.
  if (!await page.evaluate(() => "axe" in globalThis)) {
    await page.addScriptTag({ content: axe.source });
  }
  const result = await page.evaluate(
    (tags) =>
      (globalThis as unknown as {
        axe: { run: (context: Document, options: unknown) => Promise<unknown> };
      }).axe.run(document, { runOnly: { type: "tag", values: tags } }),
    WCAG_AA,
  ) as {
    violations: {
      id: string;
      impact: string;
      nodes: { target: string[]; failureSummary: string }[];
    }[];
  };
  return result.violations.flatMap((v) =>
    v.nodes.slice(0, 3).map((n) =>
      `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`
    )
  );
}
