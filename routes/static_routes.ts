/**
 * Files under static/, read through import.meta so that `deno compile
 * --include static` embeds them.
 *
 * @module
 */
import { Hono } from "hono";

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  json: "application/json",
};
const STATIC_ROOT = new URL("../static/", import.meta.url);

/** The /static sub-app. Only plain file names are served, never paths. */
export function staticRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  app.get("/:name{[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.[a-z]+}", async (c) => {
    const name = c.req.param("name");
    const type = TYPES[name.split(".").pop() ?? ""];
    if (!type) return c.notFound();
    let body = cache.get(name);
    if (!body) {
      try {
        body = await Deno.readFile(new URL(name, STATIC_ROOT));
      } catch {
        return c.notFound();
      }
      cache.set(name, body);
    }
    return c.body(body, 200, { "Content-Type": type, "Cache-Control": "no-cache" });
  });
  return app;
}
