/**
 * The dashboard pages, rendered on the server with Preact.
 *
 * @module
 */
import { Hono } from "hono";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";
import { buildHealth } from "../agent/health.ts";
import { allowedTiers } from "../policy/resolve_policy.ts";
import { countByType, listEvents } from "../store/event_queries.ts";
import type { AppDeps } from "./app_deps.ts";
import { OverviewPage } from "./pages/overview_page.tsx";

/** Renders a page as a complete HTML document. */
export function html(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}

/** The page sub-app. */
export function pageRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/", async (c) => {
    const policy = deps.policy();
    const allowed = allowedTiers(policy, "show");
    const [health, byType, system, kernel] = await Promise.all([
      buildHealth(deps.store, deps.dataDir, policy, deps.status()),
      countByType(deps.store.db, { allowed }),
      listEvents(deps.store.db, { allowed, type: "system_statistics", limit: 1 }),
      listEvents(deps.store.db, { allowed, type: "kernel_statistics", limit: 1 }),
    ]);
    return c.html(html(
      <OverviewPage
        identity={deps.identity()}
        health={health}
        byType={byType}
        latestSystem={system[0]}
        latestKernel={kernel[0]}
      />,
    ));
  });

  return app;
}
