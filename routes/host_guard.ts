/**
 * Refuses requests whose Host header is not this server (DNS rebinding).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/**
 * Answers 403 before routing unless Host is one of `allowedHosts` (read on
 * every request: the list is completed once the server knows its port).
 */
export function hostGuard(allowedHosts: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const host = (c.req.header("host") ?? "").toLowerCase();
    if (!allowedHosts.some((allowed) => allowed.toLowerCase() === host)) {
      return c.json({
        error: `Host "${host}" is not this dashboard; open it through ${allowedHosts[0]}`,
      }, 403);
    }
    return await next();
  };
}
