/**
 * GET /metrics: the statistics for Prometheus to scrape, and the agent's
 * own state for a fleet's alerts.
 *
 * @module
 */
import { Hono } from "hono";
import { exposeAgentState } from "./agent_metrics.ts";
import { exposeMetrics } from "./prometheus_metrics.ts";
import type { AppDeps } from "./app_deps.ts";

/** The /metrics sub-app. */
export function metricsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const policy = deps.policy();
    const { contentType, text } = await exposeMetrics(deps.store.db, policy);
    // The machine's statistics (within the level), then the agent's own state.
    const state = await exposeAgentState(deps.store.db, policy, deps.status());
    return c.body(`${text}${state}`, 200, { "content-type": contentType });
  });
  return app;
}
