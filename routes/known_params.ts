/**
 * Middleware that answers 400 when a request carries a query parameter
 * its address does not take, naming the ones it does.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { checkKnownParams } from "../input/known_params.ts";

/** Lets through only requests whose query parameters are among `known`. */
export function knownParams(...known: readonly (readonly string[])[]): MiddlewareHandler {
  const all = known.flat();
  return async (c, next) => {
    checkKnownParams(`${c.req.path}`, new URL(c.req.url).searchParams.keys(), all);
    await next();
  };
}
