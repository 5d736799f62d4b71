/**
 * The dashboard and API server as one Hono app.
 *
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { setCookie } from "hono/cookie";
import { apiRoutes } from "./api_routes.ts";
import type { AppDeps } from "./app_deps.ts";
import { hostGuard } from "./host_guard.ts";
import { pageRoutes } from "./page_routes.tsx";
import { requireToken, TOKEN_COOKIE } from "./require_token.ts";
import { securityHeaders } from "./security_headers.ts";
import { staticRoutes } from "./static_routes.ts";

/** Builds the app. Tests call `app.request()` on it without a server. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use("*", securityHeaders());
  app.use("*", hostGuard(deps.allowedHosts));
  app.use("*", requireToken(deps.token, deps.allowedHosts));
  // Settings and consent are small; nothing larger is ever read.
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => c.json({ error: "The request body is larger than 64 KiB" }, 413),
    }),
  );
  // The URL printed by `vitrine dashboard` carries the token once; it is
  // moved into a strict cookie and dropped from the address bar.
  app.use("*", async (c, next) => {
    const token = c.req.query("token");
    if (c.req.method === "GET" && token !== undefined) {
      if (token === deps.token) {
        setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
      }
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    return await next();
  });
  app.route("/api", apiRoutes(deps));
  app.route("/static", staticRoutes());
  app.route("/", pageRoutes(deps));
  app.notFound((c) => c.json({ error: `No such page: ${c.req.path}` }, 404));
  return app;
}
