/**
 * What left this machine: the sending half's state and the delivery log,
 * one page at a time, and the latest sample submissions. `vitrine sent`, GET /api/sent and the Sent page all
 * read it from here.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Policy } from "../policy/policy.ts";
import { parseCount } from "../input/parse_filter.ts";
import { type Delivery, listDeliveries } from "../store/delivery_queries.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { type SampleView, sampleView } from "../samples/sample_view.ts";
import { listSamples } from "../store/sample_queries.ts";
import type { Database } from "../store/schema.ts";
import { uplinkHealth, type UplinkStatus } from "../uplink/uplink_status.ts";

/** Deliveries per page unless asked otherwise. */
export const SENT_PAGE = 100;
/** Sample submissions listed (the latest). */
const SUBMISSIONS_SHOWN = 50;

/** A page of the delivery log, newest first. */
export interface SentReport {
  uplink: UplinkStatus;
  deliveries: Delivery[];
  /** The `before` of the next (older) page, or null on the last. */
  next: number | null;
  /** The latest samples an attempt was made to submit, newest first, whatever came of it. */
  submissions: SampleView[];
}

/** Which page to read. */
export interface SentPage {
  limit: number;
  before?: number;
}

/** A page from query or flag text; a bad value throws an InputError naming it. */
export function parseSentPage(values: { limit?: string; before?: string }): SentPage {
  const page: SentPage = { limit: SENT_PAGE };
  if (values.limit !== undefined && values.limit !== "") {
    page.limit = parseCount("limit", values.limit, 1000);
  }
  if (values.before !== undefined && values.before !== "") {
    page.before = parseCount("before", values.before, Number.MAX_SAFE_INTEGER);
  }
  return page;
}

/** The report for `page` under `policy`. */
export async function sentReport(
  db: Kysely<Database>,
  policy: Policy,
  page: SentPage,
  retryAt: number | null = null,
): Promise<SentReport> {
  const deliveries = await listDeliveries(db, page.limit, page.before);
  const last = deliveries.at(-1);
  const tiers = allowedTiers(policy, "show");
  return {
    uplink: { ...(await uplinkHealth(db, policy)), retryAt },
    deliveries,
    next: deliveries.length === page.limit && last ? last.id : null,
    submissions: (await listSamples(db, { attempted: true, limit: SUBMISSIONS_SHOWN }))
      .map((sample) => sampleView(sample, tiers)),
  };
}
