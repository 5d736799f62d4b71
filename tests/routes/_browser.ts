// Debian's Chromium for the browser tests, driven by playwright-core (never
// a browser a tool downloads itself).
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here ("" when they can). */
export const NO_BROWSER: string = (() => {
  try {
    Deno.statSync(CHROMIUM);
    return "";
  } catch {
    return `${CHROMIUM} is not installed (apt-get install chromium)`;
  }
})();
if (NO_BROWSER) console.warn(`skipped: the browser tests need Chromium: ${NO_BROWSER}`);

/** Starts Chromium headless, quiet (no updates, sync or first-run pages). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
