/**
 * A short-lived cache of JSON answers: many dashboards asking the same
 * question within a second get one computation.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

interface Entry {
  at: number;
  body: string;
  status: number;
}

/**
 * Middleware caching successful JSON answers to GET requests for `ttlMs`,
 * keyed by the URL and `scope()` (what else decides the answer, such as
 * the policy in effect and the newest stored event). At most `size`
 * answers are kept.
 */
export function responseCache(
  ttlMs: number,
  scope: () => Promise<string>,
  size = 64,
): MiddlewareHandler {
  const entries = new Map<string, Entry>();
  return async (c, next) => {
    if (c.req.method !== "GET") return await next();
    const key = `${await scope()} ${c.req.url}`;
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.at < ttlMs) {
      return c.body(hit.body, hit.status as 200, { "Content-Type": "application/json" });
    }
    await next();
    const type = c.res.headers.get("content-type") ?? "";
    if (c.res.status !== 200 || !type.startsWith("application/json")) return;
    const body = await c.res.clone().text();
    entries.delete(key);
    if (entries.size >= size) entries.delete(entries.keys().next().value!);
    entries.set(key, { at: now, body, status: c.res.status });
  };
}
