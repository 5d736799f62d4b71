/**
 * Storing events: one transaction per call, each event's parts and search
 * text, and its queueing for sending, which keeps the outbox within its
 * bound at every insert.
 *
 * @module
 */
import {
  CompiledQuery,
  type Dialect,
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Transaction,
} from "kysely";
import type { Tier } from "../catalog/types.ts";
import type { Fields, TierParts } from "../catalog/validate_event.ts";
import { nextEventId } from "./event_id_high.ts";
import { holdOutboxTo } from "./outbox_queries.ts";
import { encodePart, searchText } from "./part_codec.ts";
import type { Database } from "./schema.ts";
import { commonId, memoOf, shapeId } from "./shape_memo.ts";

/** An event ready to be stored. */
export interface NewEvent {
  type: string;
  /** Unix epoch milliseconds. */
  time: number;
  common: Fields;
  parts: TierParts;
  /** The tiers of its parts to queue for sending, in the same transaction. */
  queue?: readonly Tier[];
}

/** How to store. */
export interface InsertOptions {
  /** The most parts the outbox may hold (outbox.maxRecords); the oldest go first, optional first. */
  maxQueued?: number;
}

/** A dialect that only compiles SQLite queries (Kysely's recipe for building SQL without a database). */
class SqliteQueryCompilerOnly implements Dialect {
  createAdapter = () => new SqliteAdapter();
  createDriver = () => new DummyDriver();
  createIntrospector = (db: Kysely<unknown>) => new SqliteIntrospector(db);
  createQueryCompiler = () => new SqliteQueryCompiler();
}

/**
 * The inserts of {@linkcode insertEvents}, built once: they run several
 * times a second, and building a query costs more than running it.
 */
const INSERTS = (() => {
  const builder = new Kysely<Database>({ dialect: new SqliteQueryCompilerOnly() });
  return {
    event: builder.insertInto("event").values({ id: 0, type: "", time: 0, common_id: 0 })
      .compile().sql,
    part: builder.insertInto("event_part")
      .values({ tier: "required", event_id: 0, shape_id: 0, data: "" }).compile().sql,
    text: {
      required: "INSERT INTO event_text_required(rowid, text) VALUES (?, ?)",
      optional: "INSERT INTO event_text_optional(rowid, text) VALUES (?, ?)",
    },
    queue: builder.insertInto("outbox").values({ event_id: 0, tier: "required", queued_at: 0 })
      .compile().sql,
  } as const;
})();

/**
 * Stores events in one transaction and returns their ids. Callers validate
 * and filter them by policy first; this function stores what it is given.
 */
export async function insertEvents(
  db: Kysely<Database>,
  events: readonly NewEvent[],
  options: InsertOptions = {},
): Promise<number[]> {
  if (events.length === 0) return [];
  const memo = memoOf(db);
  return await db.transaction().execute((trx) => insertEventsIn(trx, memo, events, options));
}

/**
 * Stores events in the transaction `trx` (with `memo`, the remembered ids
 * of its database) and returns their ids.
 */
export async function insertEventsIn(
  trx: Transaction<Database>,
  memo: ReturnType<typeof memoOf>,
  events: readonly NewEvent[],
  options: InsertOptions = {},
): Promise<number[]> {
  const ids: number[] = [];
  let queued = false;
  let id = await nextEventId(trx) - 1;
  for (const event of events) {
    const common = await commonId(trx, memo, event.common);
    id++;
    await trx.executeQuery(CompiledQuery.raw(INSERTS.event, [id, event.type, event.time, common]));
    for (const [tier, fields] of Object.entries(event.parts) as [Tier, Fields][]) {
      const encoded = encodePart(fields);
      const shape = await shapeId(trx, memo, tier, encoded.keys);
      await trx.executeQuery(
        CompiledQuery.raw(INSERTS.part, [tier, id, shape, encoded.values]),
      );
      const text = searchText(fields);
      if (text !== "") {
        await trx.executeQuery(CompiledQuery.raw(INSERTS.text[tier], [id, text]));
      }
      // Queued with the event itself: nothing stored can miss the queue.
      if (event.queue?.includes(tier)) {
        await trx.executeQuery(CompiledQuery.raw(INSERTS.queue, [id, tier, Date.now()]));
        queued = true;
      }
    }
    ids.push(id);
  }
  // "At most" holds after every insert, in the same transaction.
  if (queued && options.maxQueued !== undefined) await holdOutboxTo(trx, options.maxQueued);
  return ids;
}
