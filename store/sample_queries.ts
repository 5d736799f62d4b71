/**
 * Detected samples and their state: kept by the agent's sample collector
 * and submitter, decided on by a person through the CLI or the dashboard.
 *
 * @module
 */
import type { Kysely, Selectable } from "kysely";
import type { Database, SampleState, SampleTable } from "./schema.ts";

/** A sample as stored. */
export type Sample = Selectable<SampleTable>;

/** States a sample may still leave from. */
export const WAITING_STATES: readonly SampleState[] = ["queued", "held", "approved"];

/** States a sample can never be submitted from again. */
export const FINAL_STATES: readonly SampleState[] = [
  "submitted",
  "kept",
  "declined",
  "expired",
  "withdrawn",
  "dropped",
  "failed",
];

/** Every state, waiting ones first. */
export const SAMPLE_STATES: readonly SampleState[] = [...WAITING_STATES, ...FINAL_STATES];

/** What submission fills in later: nothing yet for a sample just detected. */
const NOT_YET = {
  decided_by: null,
  decided_at: null,
  attempts: 0,
  next_attempt_at: null,
  last_error: null,
  destination: null,
  submitted_at: null,
  request_id: null,
} as const satisfies Partial<SampleTable>;

/** A sample as detected; what submission fills in later may be given too (tests). */
export type NewSample =
  & Omit<SampleTable, keyof typeof NOT_YET>
  & Partial<Pick<SampleTable, keyof typeof NOT_YET>>;

/** Stores a newly detected sample. */
export async function insertSample(db: Kysely<Database>, sample: NewSample): Promise<void> {
  await db.insertInto("sample").values({ ...NOT_YET, ...sample }).execute();
}

/** The sample `id`, or undefined. */
export async function getSample(db: Kysely<Database>, id: string): Promise<Sample | undefined> {
  return await db.selectFrom("sample").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Samples in `states` (all when omitted), only those an attempt was made
 * to send when `attempted`, newest first, `limit` at most.
 */
export async function listSamples(
  db: Kysely<Database>,
  options: { states?: readonly SampleState[]; attempted?: boolean; limit: number },
): Promise<Sample[]> {
  let query = db.selectFrom("sample").selectAll();
  if (options.states) query = query.where("state", "in", options.states);
  if (options.attempted) query = query.where("attempts", ">", 0);
  return await query.orderBy("detected_at", "desc").orderBy("id").limit(options.limit).execute();
}

/** How many samples are in each state. */
export async function countSamples(
  db: Kysely<Database>,
): Promise<Partial<Record<SampleState, number>>> {
  const rows = await db.selectFrom("sample").select([
    "state",
    (eb) => eb.fn.countAll<number>().as("n"),
  ])
    .groupBy("state").execute();
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
}

/**
 * The latest sample with content `sha256` that is waiting, was submitted or
 * was declined: a detection of the same content again adds nothing to it.
 */
export async function sampleWithContent(
  db: Kysely<Database>,
  sha256: string,
): Promise<Sample | undefined> {
  return await db.selectFrom("sample").selectAll().where("sha256", "=", sha256)
    .where("state", "in", [...WAITING_STATES, "submitted", "declined"])
    .orderBy("detected_at", "desc").limit(1).executeTakeFirst();
}

/** Samples that may be sent now: queued or approved, and due. Oldest first. */
export async function dueSamples(
  db: Kysely<Database>,
  now: number,
  limit: number,
): Promise<Sample[]> {
  return await db.selectFrom("sample").selectAll()
    .where("state", "in", ["queued", "approved"])
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", now)]))
    .orderBy("detected_at").limit(limit).execute();
}

/** Samples still waiting that were detected before `before`. */
export async function staleSamples(db: Kysely<Database>, before: number): Promise<Sample[]> {
  return await db.selectFrom("sample").selectAll()
    .where("state", "in", WAITING_STATES).where("detected_at", "<", before).execute();
}

/**
 * Moves sample `id` from one of `from` to `to` with `changes`; false when it
 * was not in one of those states (someone else decided first).
 */
export async function moveSample(
  db: Kysely<Database>,
  id: string,
  from: readonly SampleState[],
  to: SampleState,
  changes: Partial<Omit<SampleTable, "id" | "state">> = {},
): Promise<boolean> {
  // A sample that will never be sent keeps no path.
  const final = FINAL_STATES.includes(to) ? { path: null, copy: null } : {};
  const result = await db.updateTable("sample").set({ ...changes, ...final, state: to })
    .where("id", "=", id).where("state", "in", from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Notes a failed attempt on a sample still waiting. */
export async function noteSampleAttempt(
  db: Kysely<Database>,
  id: string,
  changes: Pick<SampleTable, "attempts" | "next_attempt_at" | "last_error" | "destination">,
): Promise<void> {
  await db.updateTable("sample").set(changes).where("id", "=", id).execute();
}

/** Bytes of the private copies of samples that may still leave. */
export async function copiedBytes(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("sample")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("size"), eb.val(0)).as("bytes"))
    .where("state", "in", WAITING_STATES).where("copy", "is not", null).executeTakeFirst();
  return Number(row?.bytes ?? 0);
}

/** The window samples.maxDailyMB counts over. */
export const SAMPLE_CAP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Bytes of samples submitted in the cap's window up to now. */
export async function submittedBytesInWindow(db: Kysely<Database>): Promise<number> {
  const since = Date.now() - SAMPLE_CAP_WINDOW_MS;
  const row = await db.selectFrom("sample")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("size"), eb.val(0)).as("bytes"))
    .where("state", "=", "submitted").where("submitted_at", ">=", since).executeTakeFirst();
  return Number(row?.bytes ?? 0);
}

/** Deletes settled samples (never to be sent again) detected before `cutoff`; how many. */
export async function deleteSettledSamplesBefore(
  db: Kysely<Database>,
  cutoff: number,
): Promise<number> {
  const result = await db.deleteFrom("sample").where("state", "in", FINAL_STATES)
    .where("detected_at", "<", cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
