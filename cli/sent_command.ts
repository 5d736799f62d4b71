/**
 * `vitrine sent`: what left this machine, as JSON.
 *
 * @module
 */
import { parseSentPage, sentReport } from "../routes/sent_report.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const SENT_HELP = `vitrine sent: print what left this machine, as JSON

Usage: vitrine sent [--limit N] [--before ID] [--data-dir DIR] [--managed-config FILE]

Prints whether sending is on and where to, what waits in the outbox (per
tier), the last success and the last error, what receivers refused
(dead-lettered, rejected) and what went unsent because the outbox was full
or too old; then every delivery, newest first: time, endpoint host,
records, bytes, status and attempts.

  --limit N      at most N deliveries (1 to 1000, default 100)
  --before ID    deliveries older than delivery ID (the "next" of a page)`;

/** Prints the delivery log. */
export async function sentCommand(args: string[]): Promise<number> {
  const flags = commandFlags("sent", args, SENT_HELP);
  if (flags === null) return 0;
  const { values } = flags;
  let page;
  try {
    page = parseSentPage({
      limit: values.limit,
      before: values.before,
    });
  } catch (error) {
    throw new UsageError(`vitrine sent: ${(error as Error).message}`);
  }
  const data = await openDataFromFlags(values);
  try {
    const report = await sentReport(
      data.store.db,
      data.policy,
      page,
      data.agent?.sendRetryAt ?? null,
    );
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await data.store.close();
  }
  return 0;
}
