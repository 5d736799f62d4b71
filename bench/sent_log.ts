// What the log of what left costs per record sent, as the agent runs
// (jitless): logging deliveries of 1,000-record batches with their leaves,
// against logging the same deliveries without, in the same run; and the
// bytes each leaf adds to the database.
import { sql } from "kysely";
import { logDelivery } from "../store/delivery_queries.ts";
import { openStore } from "../store/open_store.ts";
import { asAgentRuns, benchSetting, type Row, row, runAlone } from "./_measure.ts";

const BATCHES = benchSetting("BENCH_LOG_BATCHES", 20);
const PER_BATCH = 1000;

/** A record's canonical form about as long as a statistics event's. */
function leafOf(i: number): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ attributes: { "vitrine.event.id": i, filler: "x".repeat(900) }, n: i }),
  );
}

async function measure(dir: string): Promise<{ withLog: number; without: number; bytes: number }> {
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
  const pages = async () =>
    Number(
      (await sql<{ page_count: number }>`PRAGMA page_count`.execute(store.db)).rows[0]!.page_count,
    );
  const pageSize = Number(
    (await sql<{ page_size: number }>`PRAGMA page_size`.execute(store.db)).rows[0]!.page_size,
  );
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
  const without = await time(false, 0);
  const before = await pages();
  const withLog = await time(true, 10_000_000);
  const bytes = (await pages() - before) * pageSize;
  await store.close();
  return { withLog, without, bytes };
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
  const m = JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!) as {
    withLog: number;
    without: number;
    bytes: number;
  };
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
  ];
}

if (import.meta.main) {
  if (Deno.args[0] === "--measure") console.log(JSON.stringify(await measure(Deno.args[1]!)));
  else await runAlone(sentLogBench);
}
