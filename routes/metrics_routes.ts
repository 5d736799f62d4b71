/**
 * GET /metrics: the statistics for Prometheus to scrape.
 *
 * @module
 */
import { Hono } from "hono";
import { exposeMetrics } from "../uplink/prometheus_metrics.ts";
import type { AppDeps } from "./app_deps.ts";

/** The /metrics sub-app. */
export function metricsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const { contentType, text } = await exposeMetrics(deps.store.db, deps.policy());
    return c.body(text, 200, { "content-type": contentType });
  });
  return app;
}
