/**
 * The dashboard and API server as one Hono app.
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { setCookie } from "hono/cookie";
import { apiRoutes } from "./api/api_routes.ts";
import type { AppDeps } from "./app_deps.ts";
import { hostGuard } from "./host_guard.ts";
import { metricsRoutes } from "./metrics_routes.ts";
import { pageRoutes } from "./page_routes.tsx";
import { pathOnThisServer, requireToken, sameToken, TOKEN_COOKIE } from "./require_token.ts";
import { securityHeaders } from "./security_headers.ts";
import { staticRoutes } from "./static_routes.ts";

/**
 * The URL printed by `vitrine dashboard` carries the token once; it is
 * moved into a strict cookie and dropped from the address bar.
 */
function tokenLanding(token: string): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.query("token");
    if (c.req.method !== "GET" || given === undefined) return await next();
    if (given !== undefined && sameToken(given, token)) {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
    }
    return c.redirect(pathOnThisServer(new URL(c.req.url)), 303);
  };
}

/** Builds the app. Tests call `app.request()` on it without a server. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use("*", securityHeaders());
  app.use("*", hostGuard(deps.allowedHosts));
  app.use("*", tokenLanding(deps.token));
  app.use(
    "*",
    requireToken(
      {
        dashboard: deps.token,
        ...(deps.readToken ? { read: deps.readToken } : {}),
        ...(deps.provisionedReadToken ? { provisioned: deps.provisionedReadToken } : {}),
      },
      deps.allowedHosts,
      deps.readsNeedToken ?? false,
    ),
  );
  // Settings and consent are small; nothing larger is ever read.
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => c.json({ error: "The request body is larger than 64 KiB" }, 413),
    }),
  );
  app.route("/api", apiRoutes(deps));
  app.route("/metrics", metricsRoutes(deps));
  app.route("/static", staticRoutes());
  app.route("/", pageRoutes(deps));
  app.notFound((c) => c.json({ error: `No such page: ${c.req.path}` }, 404));
  return app;
}
