/**
 * Samples ClamAV detected, and a person's decision on a held one (the
 * token middleware guards the decisions; the CLI takes the same path).
 *
 * @module
 */
import { Hono } from "hono";
import { parseSampleQuery, sampleReport, sampleView } from "../../samples/sample_view.ts";
import { allowedTiers } from "../../policy/tiers.ts";
import type { AppDeps } from "../app_deps.ts";
import { knownParams } from "../known_params.ts";

/** GET /samples, POST /samples/:id/approve and /samples/:id/decline. */
export function sampleRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/samples", knownParams(["state", "limit"]), async (c) => {
    const query = parseSampleQuery({ state: c.req.query("state"), limit: c.req.query("limit") });
    return c.json(await sampleReport(deps.store.db, deps.policy(), query));
  });

  app.post("/samples/:id/:decision{approve|decline}", async (c) => {
    const body = await c.req.json().catch(() => null) as { actor?: unknown } | null;
    if (!body || typeof body.actor !== "string") {
      return c.json({ error: 'The body must be {"actor": "your name"}' }, 400);
    }
    const result = await deps.decideHeldSample({
      id: c.req.param("id"),
      approve: c.req.param("decision") === "approve",
      actor: body.actor,
    });
    if (!result.ok) return c.json({ error: result.message }, result.status);
    return c.json({
      ok: true,
      sample: sampleView(result.sample, allowedTiers(deps.policy(), "show")),
    });
  });

  return app;
}
