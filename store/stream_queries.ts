/**
 * Streaming every matching event, oldest first, a page at a time and as
 * stored (canonical JSON text): what the export reads.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tier } from "../catalog/types.ts";
import { type EventFilter, filteredIds } from "./_event_filter.ts";
import type { RawStoredEvent } from "./event_queries.ts";
import { partCanonicalJson } from "./part_codec.ts";
import type { Database } from "./schema.ts";
import { shapesFor } from "./shape_memo.ts";

/**
 * Streams matching events oldest first, `batch` at a time and as stored
 * (canonical JSON text), so that memory stays flat however many there are.
 * Each page is one query joining an event to its parts.
 */
export async function* streamRawEvents(
  db: Kysely<Database>,
  filter: Omit<EventFilter, "limit" | "before" | "after">,
  batch = 500,
): AsyncGenerator<RawStoredEvent> {
  const { query, tiers } = filteredIds(db, filter);
  if (tiers.length === 0) return;
  // A tier that may not be read is joined to nothing, so its columns are null.
  const may = (tier: Tier) => sql<boolean>`${sql.lit(tiers.includes(tier) ? 1 : 0)} = 1`;
  const commons = new Map<number, string>();
  let after = 0;
  while (true) {
    const rows: JoinedRow[] = await query.where("event.id", ">", after)
      .leftJoin(
        "event_part as r",
        (join) =>
          join.onRef("r.event_id", "=", "event.id").on("r.tier", "=", "required")
            .on(may("required")),
      )
      .leftJoin(
        "event_part as o",
        (join) =>
          join.onRef("o.event_id", "=", "event.id").on("o.tier", "=", "optional")
            .on(may("optional")),
      )
      .select([
        "r.shape_id as r_shape",
        "r.data as r_data",
        "o.shape_id as o_shape",
        "o.data as o_data",
      ])
      .orderBy("event.id", "asc").limit(batch).execute();
    if (rows.length === 0) return;
    const shapes = await shapesFor(
      db,
      rows.flatMap((row) => [row.r_shape, row.o_shape].filter((id) => id !== null)),
    );
    const missing = [...new Set(rows.map((row) => row.common_id))].filter((id) => !commons.has(id));
    if (missing.length > 0) {
      const found = await db.selectFrom("common_set").select(["id", "fields"])
        .where("id", "in", missing).execute();
      for (const common of found) commons.set(common.id, common.fields);
    }
    for (const row of rows) {
      const parts: RawStoredEvent["parts"] = {};
      const required = row.r_shape === null ? undefined : shapes.get(row.r_shape);
      const optional = row.o_shape === null ? undefined : shapes.get(row.o_shape);
      if (required && row.r_data !== null) parts.required = partCanonicalJson(required, row.r_data);
      if (optional && row.o_data !== null) parts.optional = partCanonicalJson(optional, row.o_data);
      yield {
        id: row.id,
        type: row.type,
        time: row.time,
        common: commons.get(row.common_id) ?? "{}",
        parts,
      };
    }
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** One row of the export's page query: an event and its parts (null where not read). */
interface JoinedRow {
  id: number;
  type: string;
  time: number;
  common_id: number;
  r_shape: number | null;
  r_data: string | null;
  o_shape: number | null;
  o_data: string | null;
}
