/**
 * Samples as people see them (dashboard, API, `vitrine sample`): the path
 * only where the level in effect shows optional data.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { pathStamp } from "../ffi/read_regular_file.ts";
import { type DetectionDoubts, detectionDoubts } from "./sample_collector.ts";
import type { Tier } from "../catalog/types.ts";
import { InputError } from "../input/input_error.ts";
import { parseCount } from "../input/parse_filter.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { countSamples, listSamples, type Sample, SAMPLE_STATES } from "../store/sample_queries.ts";
import type { Database, SampleState } from "../store/schema.ts";

/** What is shown of a sample. */
export interface SampleView {
  id: string;
  detectedAt: number;
  signature: string;
  sha256: string | null;
  size: number | null;
  fileType: string | null;
  /** The decision at detection: submit, hold or keep. */
  decision: string;
  state: SampleState;
  /** Why it is in its state. */
  reason: string;
  /** Kinds of personal data its content showed, in words ("" for none). */
  findings: string;
  decidedBy: string | null;
  decidedAt: number | null;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  destination: string | null;
  submittedAt: number | null;
  /** Present only when optional data is shown; null once the sample is settled. */
  path?: string | null;
}

/** `sample` as shown with `tiers` allowed. */
export function sampleView(sample: Sample, tiers: readonly Tier[]): SampleView {
  return {
    id: sample.id,
    detectedAt: sample.detected_at,
    signature: sample.signature,
    sha256: sample.sha256,
    size: sample.size,
    fileType: sample.file_type,
    decision: sample.decision,
    state: sample.state,
    reason: sample.reason,
    findings: sample.findings,
    decidedBy: sample.decided_by,
    decidedAt: sample.decided_at,
    attempts: sample.attempts,
    nextAttemptAt: sample.next_attempt_at,
    lastError: sample.last_error,
    destination: sample.destination,
    submittedAt: sample.submitted_at,
    ...(tiers.includes("optional") ? { path: sample.path } : {}),
  };
}

/** Which samples to list. */
export interface SampleQuery {
  states?: SampleState[];
  limit: number;
}

/** Samples listed unless asked otherwise. */
export const SAMPLE_PAGE = 100;

/** A query from text (`state` may list several, comma-separated); an InputError names a bad value. */
export function parseSampleQuery(values: { state?: string; limit?: string }): SampleQuery {
  const query: SampleQuery = { limit: SAMPLE_PAGE };
  if (values.state !== undefined && values.state !== "") {
    const states = values.state.split(",");
    for (const state of states) {
      if (!SAMPLE_STATES.includes(state as SampleState)) {
        throw new InputError(
          `The state "${state}" is not one of ${SAMPLE_STATES.join(", ")}`,
        );
      }
    }
    query.states = states as SampleState[];
  }
  if (values.limit !== undefined && values.limit !== "") {
    query.limit = parseCount("limit", values.limit, 1000);
  }
  return query;
}

/** What `vitrine sample list`, GET /api/samples and the Samples page show. */
export interface SampleReport {
  /** Samples by state, all of them. */
  counts: Partial<Record<SampleState, number>>;
  samples: SampleView[];
  /** The detection log the policy names, and whether it is there to be read. */
  detectionLog: { path: string; present: boolean };
  /** What the log claimed that vitrine did not believe, since the database was made. */
  doubts: DetectionDoubts;
}

/** The samples `query` asks for, as shown under `policy`. */
export async function sampleReport(
  db: Kysely<Database>,
  policy: Policy,
  query: SampleQuery,
): Promise<SampleReport> {
  const tiers = allowedTiers(policy, "show");
  const [counts, samples, doubts] = await Promise.all([
    countSamples(db),
    listSamples(db, { ...(query.states ? { states: query.states } : {}), limit: query.limit }),
    detectionDoubts(db),
  ]);
  const log = policy.get("samples.detectionLog");
  return {
    counts,
    samples: samples.map((sample) => sampleView(sample, tiers)),
    detectionLog: { path: log, present: pathStamp(log) !== "absent" },
    doubts,
  };
}
