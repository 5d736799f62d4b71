/**
 * What vitrine is and does: the catalogue, health, identity, and what left
 * the machine.
 *
 * @module
 */
import { Hono } from "hono";
import { buildHealth } from "../../agent/health.ts";
import { CATALOG } from "../../catalog/catalog.ts";
import { parseSentPage, sentReport } from "../sent_report.ts";
import type { AppDeps } from "../app_deps.ts";
import { knownParams } from "../known_params.ts";

/** GET /catalog, /health, /identity and /sent. */
export function statusRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/catalog", knownParams(), (c) => c.json(CATALOG));

  app.get(
    "/health",
    knownParams(),
    async (c) => c.json(await buildHealth(deps.store, deps.dataDir, deps.policy(), deps.status())),
  );

  app.get("/identity", knownParams(), (c) => c.json(deps.identity()));

  app.get("/sent", knownParams(["limit", "before"]), async (c) => {
    const page = parseSentPage({ limit: c.req.query("limit"), before: c.req.query("before") });
    const retryAt = deps.status()?.sendRetryAt ?? null;
    return c.json(await sentReport(deps.store.db, deps.policy(), page, retryAt));
  });

  return app;
}
