/**
 * JSON routes under /api.
 *
 * @module
 */
import { Hono } from "hono";
import { stream, streamSSE } from "hono/streaming";
import { buildHealth } from "../agent/health.ts";
import { CATALOG } from "../catalog/catalog.ts";
import { exportEvents } from "../export/export_events.ts";
import { gzipStream } from "../export/gzip_stream.ts";
import { allowedTiers } from "../policy/resolve_policy.ts";
import { checkSetting } from "../policy/validate_settings.ts";
import { countByTier, countByType, getEvent, listEvents } from "../store/event_queries.ts";
import { readEventCounts, readSeries } from "../store/series_queries.ts";
import type { AppDeps } from "./app_deps.ts";
import { parseFilter } from "./parse_filter.ts";

const RANGES: Record<string, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "6h": 6 * 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** How often the live stream looks for new events. */
const STREAM_POLL_MS = 2000;

/** A named range ending now. */
export function parseRange(name: string): { since: number; until: number } {
  const span = RANGES[name];
  if (span === undefined) {
    throw new RangeError(`The range "${name}" is not one of ${Object.keys(RANGES).join(", ")}`);
  }
  const until = Date.now() + 1000;
  return { since: until - span, until };
}

/** The /api sub-app. */
export function apiRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof RangeError || error instanceof TypeError) {
      return c.json({ error: error.message }, 400);
    }
    return c.json({ error: `Internal error: ${error.message}` }, 500);
  });

  app.get("/catalog", (c) => c.json(CATALOG));

  app.get(
    "/health",
    async (c) => c.json(await buildHealth(deps.store, deps.dataDir, deps.policy(), deps.status())),
  );

  app.get("/identity", (c) => c.json(deps.identity()));

  app.get("/events", async (c) => {
    const filter = parseFilter(c.req.query());
    const events = await listEvents(deps.store.db, {
      ...filter,
      allowed: allowedTiers(deps.policy(), "show"),
    });
    const last = events[events.length - 1];
    const limit = filter.limit ?? 50;
    return c.json({
      events,
      next: events.length === limit && last ? last.id : null,
    });
  });

  app.get("/events/:id", async (c) => {
    const id = Number(c.req.param("id"));
    if (!Number.isSafeInteger(id) || id < 1) {
      return c.json({ error: `Event id "${c.req.param("id")}" is not a positive integer` }, 400);
    }
    const event = await getEvent(deps.store.db, id, allowedTiers(deps.policy(), "show"));
    if (!event || Object.keys(event.parts).length === 0) {
      return c.json({ error: `No event ${id} is stored (or the policy withholds all of it)` }, 404);
    }
    return c.json(event);
  });

  app.get("/series", async (c) => {
    const metric = c.req.query("metric") ?? "";
    const { since, until } = parseRange(c.req.query("range") ?? "24h");
    const allowed = allowedTiers(deps.policy(), "show");
    if (metric === "events") {
      return c.json(await readEventCounts(deps.store.db, since, until, allowed));
    }
    return c.json(await readSeries(deps.store.db, metric, since, until, allowed));
  });

  // Live updates: the newest statistics as they are stored.
  app.get("/stream", (c) =>
    streamSSE(c, async (sse) => {
      let last = (await listEvents(deps.store.db, { allowed: ["required"], limit: 1 }))[0]?.id ?? 0;
      let open = true;
      sse.onAbort(() => {
        open = false;
      });
      await sse.writeSSE({ event: "hello", data: JSON.stringify({ last }) });
      while (open) {
        const allowed = allowedTiers(deps.policy(), "show");
        const fresh = await listEvents(deps.store.db, { allowed, after: last, limit: 100 });
        for (const event of fresh) {
          last = Math.max(last, event.id);
          if (event.type !== "system_statistics" && event.type !== "kernel_statistics") continue;
          await sse.writeSSE({
            event: event.type,
            id: String(event.id),
            data: JSON.stringify({
              time: event.time,
              ...event.parts.required,
              ...event.parts.optional,
            }),
          });
        }
        await sse.sleep(STREAM_POLL_MS);
      }
    }));

  app.get("/counts", async (c) => {
    const filter = parseFilter(c.req.query());
    const allowed = allowedTiers(deps.policy(), "show");
    return c.json({
      tiers: await countByTier(deps.store.db),
      types: await countByType(deps.store.db, { ...filter, allowed }),
    });
  });

  app.get("/export", (c) => {
    const query = c.req.query();
    const filter = parseFilter(query);
    const format = query.format ?? "json";
    if (format !== "json" && format !== "ndjson") {
      throw new RangeError(`The export format "${format}" is not json or ndjson`);
    }
    const gzip = query.gzip === "1" || query.gzip === "true";
    const raw = exportEvents(deps.store.db, deps.policy(), deps.identity(), {
      format,
      ...filter,
    });
    const body = gzip ? gzipStream(raw) : raw;
    const name = `vitrine-export-${new Date().toISOString().replace(/[:.]/g, "-")}.${format}${
      gzip ? ".gz" : ""
    }`;
    c.header(
      "Content-Type",
      gzip ? "application/gzip" : format === "json" ? "application/json" : "application/x-ndjson",
    );
    c.header("Content-Disposition", `attachment; filename="${name}"`);
    return stream(c, async (out) => {
      await out.pipe(body);
    });
  });

  app.post("/preferences", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: "The request body is not JSON" }, 400);
    }
    const { key, value } = (body ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== "string") {
      return c.json({
        error: 'The body must be {"key": "cloudService.diagnosticLevel", "value": ...}',
      }, 400);
    }
    const policy = deps.policy();
    const source = policy.sources[key];
    if (source === "managed" || source === "fail_closed") {
      return c.json({
        error: source === "managed"
          ? `Setting "${key}" is managed by "${policy.managedFile}" and cannot be changed here`
          : `Setting "${key}" is held at its most private value until "${policy.managedFile}" is fixed`,
      }, 409);
    }
    if (value !== null) {
      const problem = checkSetting(key, value);
      if (problem) return c.json({ error: problem.message }, 400);
    } else if (checkSetting(key, undefined)?.expected === "a known setting") {
      return c.json({ error: `Unknown setting "${key}"` }, 400);
    }
    await deps.setPreference(key, value === null ? undefined : value);
    return c.json({ ok: true, policy: deps.policy().settings });
  });

  app.post("/consent", async (c) => {
    const body = await c.req.json().catch(() => null) as
      | { granted?: unknown; actor?: unknown; purpose?: unknown }
      | null;
    if (
      !body || typeof body.granted !== "boolean" || typeof body.actor !== "string" ||
      body.actor.trim() === "" || body.actor.length > 200
    ) {
      return c.json(
        { error: 'The body must be {"granted": true|false, "actor": "your name"}' },
        400,
      );
    }
    await deps.recordConsent(body.granted, body.actor.trim(), "support_logs");
    return c.json({ ok: true });
  });

  return app;
}
