/**
 * Stored events as the policy lets them be shown: pages, one event,
 * counts, chart series and a live stream of statistics.
 *
 * @module
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { rangeEndingNow } from "../../catalog/charts.ts";
import { parseChartRange, parseMetric } from "../../input/parse_chart_query.ts";
import { parseFilter } from "../../input/parse_filter.ts";
import { allowedTiers } from "../../policy/tiers.ts";
import { countByTier, countByType, newestEventId } from "../../store/count_queries.ts";
import { listEvents } from "../../store/event_queries.ts";
import { readEventCounts, readSeries } from "../../store/series_queries.ts";
import { pageOfEvents, parseEventId, visibleEvent } from "../_event_pages.ts";
import type { AppDeps } from "../app_deps.ts";
import { FILTER_PARAMS } from "../../input/known_params.ts";
import { knownParams } from "../known_params.ts";

/** How often the live stream looks for new events. */
const STREAM_POLL_MS = 2000;

/** GET /events, /events/:id, /series, /stream and /counts. */
export function eventRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get(
    "/events",
    knownParams(FILTER_PARAMS),
    async (c) => c.json(await pageOfEvents(deps, parseFilter(c.req.query()))),
  );

  app.get("/events/:id", knownParams(), async (c) => {
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

  app.get("/series", knownParams(["metric", "range"]), async (c) => {
    const metric = parseMetric(c.req.query("metric") ?? "");
    const { since, until } = rangeEndingNow(parseChartRange(c.req.query("range") ?? "24h"));
    const allowed = allowedTiers(deps.policy(), "show");
    if (metric === "events") {
      return c.json(await readEventCounts(deps.store.db, since, until, allowed));
    }
    return c.json(await readSeries(deps.store.db, metric, since, until, allowed));
  });

  // Live updates: the newest statistics as they are stored.
  app.get("/stream", knownParams(), (c) =>
    streamSSE(c, async (sse) => {
      let last = await newestEventId(deps.store.db);
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

  app.get("/counts", knownParams(FILTER_PARAMS), async (c) => {
    const filter = parseFilter(c.req.query());
    const allowed = allowedTiers(deps.policy(), "show");
    return c.json({
      tiers: await countByTier(deps.store.db),
      types: await countByType(deps.store.db, { ...filter, allowed }),
    });
  });

  return app;
}
