/**
 * Guards state-changing requests: token, JSON body and same origin.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";

/** The cookie that carries the dashboard token after the first visit. */
export const TOKEN_COOKIE = "vitrine_token";

function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * For every method but GET and HEAD: requires the token (header
 * `X-Vitrine-Token` or the dashboard cookie), `Content-Type:
 * application/json`, and an Origin, when sent, of this server.
 */
export function requireToken(token: string, allowedHosts: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return await next();
    const origin = c.req.header("origin");
    if (
      origin !== undefined &&
      !allowedHosts.some((host) => `http://${host.toLowerCase()}` === origin.toLowerCase())
    ) {
      return c.json({ error: `Origin "${origin}" may not change this agent's settings` }, 403);
    }
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/json(\s*;|$)/i.test(type)) {
      return c.json(
        { error: "State-changing requests must send Content-Type: application/json" },
        415,
      );
    }
    const given = c.req.header("x-vitrine-token") ?? getCookie(c, TOKEN_COOKIE) ?? "";
    if (!sameToken(given, token)) {
      return c.json({
        error: "A valid dashboard token is required; open the URL that `vitrine dashboard` prints",
      }, 401);
    }
    await next();
  };
}
