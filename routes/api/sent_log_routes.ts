/**
 * The log of what left, for the Sent page and an auditor: its signed tree
 * heads, the inclusion proof of an event and the consistency proof between
 * two signed heads, as the JSON `vitrine sent` prints and
 * deploy/audit/check_log_proof.py checks.
 *
 * @module
 */
import { Hono } from "hono";
import { listHeads, proveConsistency, proveInclusion } from "../../export/sent_log_proofs.ts";
import { wholeNumber } from "../../input/whole_number.ts";
import type { AppDeps } from "../app_deps.ts";
import { knownParams } from "../known_params.ts";

const MAX_ID = 2 ** 53 - 1;

/** GET /sent/log, /sent/proof?event=ID and /sent/consistency?first=N&second=M. */
export function sentLogRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const keyed = () => {
    if (!deps.logKey) throw new Error("this dashboard has no key for the log of what left");
    return deps.logKey;
  };
  const download = (name: string, body: unknown) =>
    new Response(JSON.stringify(body, null, 2), {
      headers: {
        "content-type": "application/json",
        "content-disposition": `attachment; filename="${name}"`,
      },
    });

  app.get("/sent/log", knownParams(), async (c) => c.json(await listHeads(deps.store.db, keyed())));

  app.get("/sent/proof", knownParams(["event"]), async (c) => {
    const event = wholeNumber("event", c.req.query("event") ?? "", 1, MAX_ID);
    const proof = await proveInclusion(deps.store.db, keyed(), event);
    return download(`vitrine-inclusion-${event}.json`, proof);
  });

  app.get("/sent/consistency", knownParams(["first", "second"]), async (c) => {
    const first = wholeNumber("first", c.req.query("first") ?? "", 0, MAX_ID);
    const second = wholeNumber("second", c.req.query("second") ?? "", 0, MAX_ID);
    const proof = await proveConsistency(deps.store.db, keyed(), first, second);
    return download(`vitrine-consistency-${first}-${second}.json`, proof);
  });

  return app;
}
