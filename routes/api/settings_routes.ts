/**
 * Changes: local preferences and consent, each under the rule the CLI
 * applies too (the token middleware guards them).
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "../app_deps.ts";

/** POST /preferences and /consent. */
export function settingsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.post("/preferences", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: "The request body is not JSON" }, 400);
    }
    const { key, value } = (body ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== "string" || value === undefined) {
      return c.json({
        error: 'The body must be {"key": "cloudService.diagnosticLevel", "value": ...}',
      }, 400);
    }
    // A null value removes the local preference.
    const change = await deps.changePreference(key, value === null ? undefined : value);
    if (!change.ok) {
      const conflict = change.reason === "managed" || change.reason === "fail_closed";
      return c.json({ error: change.message }, conflict ? 409 : 400);
    }
    return c.json({ ok: true, policy: deps.policy().entries() });
  });

  app.post("/consent", async (c) => {
    const body = await c.req.json().catch(() => null) as
      | { granted?: unknown; actor?: unknown; purpose?: unknown }
      | null;
    if (!body || typeof body.granted !== "boolean" || typeof body.actor !== "string") {
      return c.json(
        { error: 'The body must be {"granted": true|false, "actor": "your name"}' },
        400,
      );
    }
    const result = await deps.recordConsent(body.granted, body.actor);
    return result.ok ? c.json({ ok: true }) : c.json({ error: result.message }, 400);
  });

  return app;
}
