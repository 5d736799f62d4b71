/**
 * The audit export as a download.
 *
 * @module
 */
import { lastDeletionAt } from "../../store/delete_all_data.ts";
import { Hono } from "hono";
import { exportEvents, exportFormat } from "../../export/export_events.ts";
import { gzipStream, utf8Stream } from "../../export/gzip_stream.ts";
import { parseFilter } from "../../input/parse_filter.ts";
import { checkIntegrityAside } from "../../store/integrity_aside.ts";
import { asStoreError, StoreError } from "../../store/store_error.ts";
import type { AppDeps } from "../app_deps.ts";
import { knownParams } from "../known_params.ts";

/** GET /export: the export, one snapshot, streamed. */
export function exportRoute(deps: AppDeps): Hono {
  const app = new Hono();
  app.get(
    "/export",
    knownParams(["type", "tier", "since", "until", "format", "gzip"]),
    async (c) => {
      const query = c.req.query();
      const filter = parseFilter(query);
      const format = exportFormat(query.format);
      const gzip = query.gzip === "1" || query.gzip === "true";
      // An export of a database known to be damaged could miss records silently.
      const damage = deps.damage?.() ?? null;
      if (damage !== null) throw new StoreError(`${damage} No export is made from it.`);
      const raw = exportEvents(
        deps.store,
        deps.policy(),
        deps.identity(),
        { format, ...filter },
        {
          // A level lowered while the download runs stops it.
          policyNow: () => deps.policy(),
          deletedAt: () => lastDeletionAt(deps.store.db),
          // Read through on another thread: the agent serves and collects meanwhile.
          integrity: () => checkIntegrityAside(deps.store.path),
        },
      );
      // The manifest is read before anything is answered, so that a database
      // that cannot be read gets an error status, not a 200 that stops short.
      const reader = raw.getReader();
      let first: ReadableStreamReadResult<string>;
      try {
        first = await reader.read();
      } catch (error) {
        throw asStoreError(error, deps.store.path);
      }
      const text = new ReadableStream<string>({
        start(controller) {
          if (first.done) controller.close();
          else controller.enqueue(first.value);
        },
        async pull(controller) {
          // An error later on aborts the response: the download is seen to fail.
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel: (reason) => reader.cancel(reason),
      }, { highWaterMark: 0 });
      const bytes = utf8Stream(text);
      const name = `vitrine-export-${new Date().toISOString().replace(/[:.]/g, "-")}.${format}${
        gzip ? ".gz" : ""
      }`;
      return c.body(gzip ? gzipStream(bytes) : bytes, 200, {
        "Content-Type": gzip
          ? "application/gzip"
          : format === "json"
          ? "application/json"
          : "application/x-ndjson",
        "Content-Disposition": `attachment; filename="${name}"`,
      });
    },
  );

  return app;
}
