/**
 * Changes: local preferences, consent and deleting this machine's data,
 * each under the rule the CLI applies too (the token middleware guards them).
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "../app_deps.ts";

/** POST /preferences, /consent and /data/delete. */
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

  app.post("/data/delete", async (c) => {
    const body = await c.req.json().catch(() => null) as { actor?: unknown } | null;
    if (!body || typeof body.actor !== "string") {
      return c.json({ error: 'The body must be {"actor": "your name"}' }, 400);
    }
    let result: Awaited<ReturnType<AppDeps["deleteDiagnosticData"]>>;
    try {
      result = await deps.deleteDiagnosticData(body.actor);
    } catch (error) {
      // One transaction: a failure (a full disk) deleted nothing.
      return c.json({ error: `Nothing was deleted: ${(error as Error).message}` }, 500);
    }
    if (result.ok) return c.json({ ok: true, record: result.record });
    // Forbidden by the policy (409, as a managed setting is) or a name that cannot be used (400).
    return c.json({ error: result.message }, result.reason === "actor" ? 400 : 409);
  });

  return app;
}
