/**
 * JSON routes under /api: one sub-app per area, errors answered in one
 * place, and lists, counts and series answered from a one-second cache.
 *
 * @module
 */
import { Hono } from "hono";
import { InputError } from "../../input/input_error.ts";
import { newestEventId } from "../../store/count_queries.ts";
import { asStoreError, StorageFullError, StoreError } from "../../store/store_error.ts";
import type { AppDeps } from "../app_deps.ts";
import { responseCache } from "../response_cache.ts";
import { eventRoutes } from "./event_routes.ts";
import { exportRoute } from "./export_route.ts";
import { sampleRoutes } from "./sample_routes.ts";
import { settingsRoutes } from "./settings_routes.ts";
import { statusRoutes } from "./status_routes.ts";
import { sentLogRoutes } from "./sent_log_routes.ts";

/** The /api sub-app. */
export function apiRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.onError((thrown, c) => {
    const error = asStoreError(thrown, deps.store.path) as Error;
    if (error instanceof InputError) return c.json({ error: error.message }, 400);
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

  app.route("/", statusRoutes(deps));
  app.route("/", sentLogRoutes(deps));
  app.route("/", eventRoutes(deps));
  app.route("/", exportRoute(deps));
  app.route("/", settingsRoutes(deps));
  app.route("/", sampleRoutes(deps));
  return app;
}
