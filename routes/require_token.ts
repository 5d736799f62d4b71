/**
 * Guards requests with the per-installation tokens: changes always need
 * the dashboard token, a JSON body and this server as origin; reads need a
 * token too when the server listens beyond loopback.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";

/** The cookie that carries the dashboard token after the first visit. */
export const TOKEN_COOKIE = "vitrine_token";

/** The tokens a request may carry. */
export interface Tokens {
  /** Allows everything: the dashboard's token. */
  dashboard: string;
  /** Allows reading only (for scrapers such as /metrics), or undefined when there is none. */
  read?: string;
  /** The read-only token an administrator provisioned for a fleet, when there is one now. */
  provisioned?: () => Promise<string | null>;
}

/** Whether `a` is `b`, compared in constant time (a token's prefix is never told). */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function isRead(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/**
 * For every method but GET and HEAD: requires the dashboard token (header
 * `X-Vitrine-Token`, `Authorization: Bearer`, or the dashboard cookie),
 * `Content-Type: application/json`, and an Origin, when sent, of this
 * server. With `readsNeedToken`, GET and HEAD need the dashboard token or
 * the read token as well.
 */
export function requireToken(
  tokens: Tokens,
  allowedHosts: readonly string[],
  readsNeedToken = false,
): MiddlewareHandler {
  return async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const given = c.req.header("x-vitrine-token") ?? bearer ?? getCookie(c, TOKEN_COOKIE) ?? "";
    const dashboard = sameToken(given, tokens.dashboard);
    if (isRead(c.req.method)) {
      const provisioned = readsNeedToken && !dashboard ? await tokens.provisioned?.() : null;
      const reader = (tokens.read !== undefined && sameToken(given, tokens.read)) ||
        (provisioned !== null && provisioned !== undefined && sameToken(given, provisioned));
      if (readsNeedToken && !dashboard && !reader) {
        return c.json({
          error:
            "This dashboard listens beyond this machine, so reading needs a token: open the URL that `vitrine dashboard` prints, or send `Authorization: Bearer` with the token of `vitrine dashboard --read-token`",
        }, 401);
      }
      return await next();
    }
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
    if (!dashboard) {
      return c.json({
        error: "A valid dashboard token is required; open the URL that `vitrine dashboard` prints",
      }, 401);
    }
    await next();
  };
}

/**
 * Where to send a browser after taking the token out of its URL: the same
 * path on this server. Leading slashes and backslashes are collapsed, so
 * `//evil.example/` can never become a link to another host.
 */
export function pathOnThisServer(url: URL): string {
  url.searchParams.delete("token");
  return `/${url.pathname.replace(/^[/\\]+/, "")}${url.search}`;
}
