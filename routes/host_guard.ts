/**
 * Refuses requests whose Host header is not this server (DNS rebinding).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** Answers 403 before routing unless Host is one of `allowedHosts`. */
export function hostGuard(allowedHosts: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  return async (c, next) => {
    const host = (c.req.header("host") ?? "").toLowerCase();
    if (!allowed.has(host)) {
      return c.json({
        error: `Host "${host}" is not this dashboard; open it through ${allowedHosts[0]}`,
      }, 403);
    }
    return await next();
  };
}
