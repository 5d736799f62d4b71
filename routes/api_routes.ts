/**
 * JSON routes under /api.
 *
 * @module
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { buildHealth } from "../agent/health.ts";
import { CATALOG } from "../catalog/catalog.ts";
import { exportEvents } from "../export/export_events.ts";
import { gzipStream, utf8Stream } from "../export/gzip_stream.ts";
import { allowedTiers } from "../policy/policy.ts";
import { StorageFullError } from "../store/storage_error.ts";
import { asStoreError, StoreError } from "../store/open_store.ts";
import { countByTier, countByType, listEvents, newestEventId } from "../store/event_queries.ts";
import { responseCache } from "./response_cache.ts";
import { rangeEndingNow, readEventCounts, readSeries } from "../store/series_queries.ts";
import { pageOfEvents, parseEventId, visibleEvent } from "./_event_pages.ts";
import type { AppDeps } from "./app_deps.ts";
import { parseFilter } from "../store/parse_filter.ts";
import { parseSentPage, sentReport } from "../uplink/sent_report.ts";

/** How often the live stream looks for new events. */
const STREAM_POLL_MS = 2000;

/** The /api sub-app. */
export function apiRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.onError((thrown, c) => {
    const error = asStoreError(thrown, deps.store.path) as Error;
    if (error instanceof RangeError || error instanceof TypeError) {
      return c.json({ error: error.message }, 400);
    }
    if (error instanceof StorageFullError) return c.json({ error: error.message }, 507);
    if (error instanceof StoreError) return c.json({ error: error.message }, 503);
    return c.json({ error: `Internal error: ${error.message}` }, 500);
  });

  // Lists, counts and series are asked for by every open dashboard: one
  // answer per second serves them all while nothing new is stored.
  const cache = responseCache(1000, async () => {
    const newest = await newestEventId(deps.store.db);
    return `${newest} ${deps.policy().signature()}`;
  });
  app.use("/events", cache);
  app.use("/counts", cache);
  app.use("/series", cache);

  app.get("/catalog", (c) => c.json(CATALOG));

  app.get(
    "/health",
    async (c) => c.json(await buildHealth(deps.store, deps.dataDir, deps.policy(), deps.status())),
  );

  app.get("/identity", (c) => c.json(deps.identity()));

  app.get("/sent", async (c) => {
    const page = parseSentPage({ limit: c.req.query("limit"), before: c.req.query("before") });
    const retryAt = deps.status()?.sendRetryAt ?? null;
    return c.json(await sentReport(deps.store.db, deps.policy(), page, retryAt));
  });

  app.get("/events", async (c) => c.json(await pageOfEvents(deps, parseFilter(c.req.query()))));

  app.get("/events/:id", async (c) => {
    const id = parseEventId(c.req.param("id"));
    if (id === null) {
      return c.json({ error: `Event id "${c.req.param("id")}" is not a positive integer` }, 400);
    }
    const event = await visibleEvent(deps, id);
    if (!event) {
      return c.json({ error: `No event ${id} is stored (or the policy withholds all of it)` }, 404);
    }
    return c.json(event);
  });

  app.get("/series", async (c) => {
    const metric = c.req.query("metric") ?? "";
    const { since, until } = rangeEndingNow(c.req.query("range") ?? "24h");
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

  app.get("/export", async (c) => {
    const query = c.req.query();
    const filter = parseFilter(query);
    const format = query.format ?? "json";
    if (format !== "json" && format !== "ndjson") {
      throw new RangeError(`The export format "${format}" is not json or ndjson`);
    }
    const gzip = query.gzip === "1" || query.gzip === "true";
    // An export of a database known to be damaged could miss records silently.
    const damage = deps.damage?.() ?? null;
    if (damage !== null) throw new StoreError(`${damage} No export is made from it.`);
    const raw = exportEvents(
      deps.store,
      deps.policy(),
      deps.identity(),
      { format, ...filter },
      undefined,
      // A level lowered while the download runs stops it.
      () => deps.policy(),
    );
    // The manifest is read before anything is answered, so that a database
    // that cannot be read gets an error status, not a 200 that stops short.
    const reader = raw.getReader();
    let first: ReadableStreamReadResult<string>;
    try {
      first = await reader.read();
    } catch (error) {
      throw asStoreError(error, deps.store.path);
    }
    const text = new ReadableStream<string>({
      start(controller) {
        if (first.done) controller.close();
        else controller.enqueue(first.value);
      },
      async pull(controller) {
        // An error later on aborts the response: the download is seen to fail.
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
    const bytes = utf8Stream(text);
    const name = `vitrine-export-${new Date().toISOString().replace(/[:.]/g, "-")}.${format}${
      gzip ? ".gz" : ""
    }`;
    return c.body(gzip ? gzipStream(bytes) : bytes, 200, {
      "Content-Type": gzip
        ? "application/gzip"
        : format === "json"
        ? "application/json"
        : "application/x-ndjson",
      "Content-Disposition": `attachment; filename="${name}"`,
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
