// What the log of what left costs per record sent, as the agent runs
// (jitless): logging deliveries of 1,000-record batches with their leaves,
// against logging the same deliveries without, in the same run; and the
// bytes each leaf adds to the database; then what is left of them once
// their events are gone and they are summarised, and how long that takes.
import { logDelivery } from "../store/delivery_queries.ts";
import { openStore } from "../store/open_store.ts";
import { usedBytes } from "../store/quota_queries.ts";
import { summariseSentLog } from "../store/summarise_sent_log.ts";
import { asAgentRuns, benchSetting, type Row, row, runAlone } from "./_measure.ts";

const BATCHES = benchSetting("BENCH_LOG_BATCHES", 20);
const PER_BATCH = 1000;

/** A record's canonical form about as long as a statistics event's. */
function leafOf(i: number): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ attributes: { "vitrine.event.id": i, filler: "x".repeat(900) }, n: i }),
  );
}

interface Measured {
  withLog: number;
  without: number;
  bytes: number;
  summarisedBytes: number;
  summariseMs: number;
}

async function measure(dir: string): Promise<Measured> {
  const store = await openStore(`${dir}/vitrine.db`);
  const delivery = (records: number) => ({
    at: Date.now(),
    endpoint: "bench",
    records,
    bytes: 0,
    status: "200",
    attempts: 1,
    rejected: 0,
    error: null,
  });
  const time = async (leaves: boolean, from: number): Promise<number> => {
    // The batches made first: what is timed is the logging alone.
    const batches = Array.from({ length: BATCHES }, (_, b) => {
      const ids = Array.from({ length: PER_BATCH }, (_, i) => from + b * PER_BATCH + i);
      return {
        parts: ids.map((id) => ({ event_id: id, tier: "required" as const })),
        leaves: leaves ? ids.map((id) => ({ eventId: id, data: leafOf(id) })) : [],
      };
    });
    const started = performance.now();
    for (const batch of batches) {
      await logDelivery(store.db, delivery(PER_BATCH), batch.parts, batch.leaves);
    }
    return performance.now() - started;
  };
  // The deliveries' own rows (delivery, sent parts) are in both runs: the
  // log's bytes are what the run with leaves adds beyond the run without.
  const start = await usedBytes(store.db);
  const without = await time(false, 0);
  const plain = await usedBytes(store.db) - start;
  const used = await usedBytes(store.db);
  const withLog = await time(true, 10_000_000);
  const bytes = await usedBytes(store.db) - used - plain;
  // No event is stored here: every leaf's event is gone.
  const started = performance.now();
  await store.db.transaction().execute((trx) => summariseSentLog(trx));
  const summariseMs = performance.now() - started;
  const summarisedBytes = await usedBytes(store.db) - used - plain;
  await store.close();
  return { withLog, without, bytes, summarisedBytes, summariseMs };
}

/** Runs the benchmark in `dir` and returns its rows. */
export async function sentLogBench(dir: string): Promise<Row[]> {
  await Deno.mkdir(`${dir}/sent-log`, { recursive: true });
  const { env, args } = asAgentRuns(new URL(import.meta.url).pathname, [
    "--measure",
    `${dir}/sent-log`,
  ]);
  const output = await new Deno.Command(Deno.execPath(), { args, env, stderr: "inherit" }).output();
  if (!output.success) throw new Error(`the sent-log measurement failed (exit ${output.code})`);
  const m = JSON.parse(
    new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!,
  ) as Measured;
  const records = BATCHES * PER_BATCH;
  const perRecord = (ms: number) => `${(ms * 1000 / records).toFixed(1)} µs`;
  return [
    row({
      measure:
        `the log of what left: CPU per record delivered (${BATCHES} batches of ${PER_BATCH}, leaf hash, subtree hashes, as the agent runs)`,
      vitrine: `${perRecord(m.withLog)} logged with its leaf`,
      baseline: `the same deliveries without the log: ${perRecord(m.without)}`,
      ratio: `${(m.withLog / m.without).toFixed(2)}x`,
      target: "(measured)",
      met: null,
    }),
    row({
      measure: "the log of what left: database bytes per record",
      vitrine: `${Math.round(m.bytes / records)} bytes`,
      baseline: "—",
      ratio: "—",
      target: "(measured)",
      met: null,
    }),
    row({
      measure:
        "the log of what left, once the records' events are gone: database bytes per record, summarised into subtree hashes",
      vitrine: `${(m.summarisedBytes / records).toFixed(1)} bytes, in ${
        Math.round(m.summariseMs)
      } ms for ${records} leaves`,
      baseline: `kept in full: ${Math.round(m.bytes / records)} bytes`,
      ratio: `${(m.summarisedBytes / m.bytes).toFixed(3)}x`,
      target: "(measured)",
      met: null,
    }),
  ];
}

if (import.meta.main) {
  if (Deno.args[0] === "--measure") console.log(JSON.stringify(await measure(Deno.args[1]!)));
  else await runAlone(sentLogBench);
}
