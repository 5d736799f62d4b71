// A person approves a held sample in the dashboard (Debian's Chromium),
// and the agent submits it to the sample store (Azurite).
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { dataPaths } from "../../store/data_paths.ts";
import { serveDashboard } from "../../routes/serve_dashboard.ts";
import { listSamples } from "../../store/sample_queries.ts";
import { ROOT, startTestAgent, tempDir, writeManaged } from "../_helpers.ts";
import { axeViolations, launchBrowser } from "../../testing/browser.ts";
import { sha256Hex, startAzurite } from "../../testing/azurite.ts";
import { clamscan, writeHashDatabase } from "../../testing/clamav.ts";
import { requires } from "../../testing/requires.ts";

Deno.test({
  name: "a held sample approved on the Samples page is submitted, and the Sent page shows it",
  ...requires("chromium", "clamscan", "azurite-blob"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    await using azurite = await startAzurite(dir.path, "samples");
    const letter = `${dir.path}/letter.txt`;
    await Deno.writeTextFile(letter, "Hello Jane, reach me at jane.doe@example.org\n");
    const database = await writeHashDatabase(`${dir.path}/clamav-db`, [letter]);
    const sasFile = `${dir.path}/samples.sas`;
    await Deno.writeTextFile(sasFile, azurite.containerSas());
    const log = `${dir.path}/clamd.log`;
    const managed = await writeManaged(dir.path, {
      cloudService: {
        enabled: true,
        diagnosticLevel: "optional",
        automaticSampleSubmissionConsent: "safe",
      },
      securityIntelligence: { databaseDirectory: `${dir.path}/clamav-db` },
      samples: {
        detectionLog: log,
        clamdSocket: null,
        submissionUri: azurite.container.url,
        sasTokenFile: sasFile,
      },
    });
    const dataDir = `${dir.path}/data`;
    const agent = await startTestAgent({ dataDir, managedFile: managed });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const dashboard = await serveDashboard(agent, {
      listen: "127.0.0.1",
      port,
      dataDir,
      log: () => {},
    });
    const browser = await launchBrowser();
    try {
      await clamscan(database, log, [letter]);
      await agent.collectNow("samples");
      await agent.collectNow("sample_submission");
      equal((await listSamples(agent.store.db, { limit: 1 }))[0]?.state, "held");

      const base = `http://127.0.0.1:${port}`;
      const token = (await Deno.readTextFile(dataPaths(dataDir).token)).trim();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${base}/?token=${token}`);
      await page.goto(`${base}/samples`);
      const article = page.locator("article.held-sample");
      equal(await article.count(), 1);
      match(await article.textContent() ?? "", /e-mail address \(1\)/);
      match(await article.textContent() ?? "", /letter\.txt/, "the path, at the optional level");
      for (const colorScheme of ["light", "dark"] as const) {
        // axe-core is injected as a script the page's CSP refuses: only this context bypasses it.
        const checking = await browser.newContext({ bypassCSP: true, colorScheme });
        const checked = await checking.newPage();
        await checked.goto(`${base}/samples`);
        deepEqual(
          await axeViolations(checked),
          [],
          `the Samples page (${colorScheme}) meets WCAG 2.2 AA`,
        );
        await checking.close();
      }
      await Deno.mkdir(`${ROOT}test-artefacts/screenshots`, { recursive: true });
      await page.screenshot({
        path: `${ROOT}test-artefacts/screenshots/samples.png`,
        fullPage: true,
      });

      // Without a name nothing is sent: the browser asks for one.
      await article.getByRole("button", { name: "Approve submission" }).click();
      equal((await listSamples(agent.store.db, { limit: 1 }))[0]?.state, "held");
      await article.getByLabel("Your name").fill("Ada Admin");
      await article.getByRole("button", { name: "Approve submission" }).click();
      await page.waitForFunction(
        () => /Approved/.test(document.querySelector("#samples-status")?.textContent ?? ""),
        undefined,
        { timeout: 10_000 },
      );
      equal(await page.locator("article.held-sample").count(), 0, "it left the waiting list");
      const [sample] = await listSamples(agent.store.db, { limit: 1 });
      // The agent's own round (every 5 s) may have sent it already.
      ok(["approved", "submitted"].includes(sample?.state ?? ""), sample?.state);
      equal(sample?.decided_by, "Ada Admin");

      await agent.collectNow("sample_submission");
      const own = await sha256Hex(await Deno.readFile(letter));
      const blob = await azurite.container.getBlockBlobClient(own).downloadToBuffer();
      equal(await sha256Hex(new Uint8Array(blob)), own, "the store holds the letter");
      await page.goto(`${base}/sent`);
      await page.screenshot({
        path: `${ROOT}test-artefacts/screenshots/sent-samples.png`,
        fullPage: true,
      });
      const row = page.locator("tr", { hasText: "Vitrine.Test.Sample-0" });
      match(await row.textContent() ?? "", /submitted/);
      ok(errors.length === 0, errors.join("\n"));
    } finally {
      await browser.close();
      await dashboard.close();
      await agent.stop();
    }
  },
});
