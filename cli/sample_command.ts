/**
 * `vitrine sample`: the samples ClamAV detected and what became of them, a
 * person's decision on a held one, and the decision for any file.
 *
 * @module
 */
import { describeRefusal, readRegularRange } from "../ffi/read_regular_file.ts";
import { InputError } from "../input/input_error.ts";
import { readMachineFacts } from "../samples/personal_data.ts";
import { decideSample, MAX_CHECKED_BYTES, type SampleLevel } from "../samples/sample_decision.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { decideHeldSample } from "../samples/decide_held_sample.ts";
import { parseSampleQuery, sampleReport, sampleView } from "../samples/sample_view.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const SAMPLE_HELP = `vitrine sample: suspicious files ClamAV detected, and their submission

Usage:
  vitrine sample pending                        held samples, waiting for consent (JSON)
  vitrine sample list [--state S] [--limit N]   samples and their state, newest first (JSON)
  vitrine sample approve ID --actor NAME        let a held sample be submitted
  vitrine sample decline ID --actor NAME        keep a held sample here for good
  vitrine sample check FILE [--level L] [--json]  the decision for any file (none|safe|all)

Detections are read from samples.detectionLog (ClamAV's "PATH: SIGNATURE
FOUND" lines). Under cloudService.automaticSampleSubmissionConsent a sample
is submitted (all; at safe, program code whose content shows no personal
data), held until a person approves or declines it (safe, anything else),
or kept here (none). Samples go only to samples.submissionUri. The path of
a sample is shown only at the optional level. States: queued, held,
approved, submitted, kept, declined, expired, withdrawn, dropped, failed.

check: the decision for any FILE, without recording anything. Without
--level the level in effect is used (the policy of --data-dir, or the
default, safe). Types are recognised from content, never from names; the
reason names the kinds of personal data found, never the data itself.

Flags: --data-dir DIR, --managed-config FILE`;

/** Prints the decision for the file at `path`. */
async function checkFile(
  path: string,
  level: string | undefined,
  values: { "data-dir"?: string; "managed-config"?: string },
  json: boolean,
) {
  if (level !== undefined && !["none", "safe", "all"].includes(level)) {
    throw new UsageError(`vitrine sample: --level "${level}" is not none, safe or all`);
  }
  if (level === undefined) {
    try {
      const data = await openDataFromFlags(values);
      level = data.policy.get("cloudService.automaticSampleSubmissionConsent");
      await data.store.close();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      level = "safe";
    }
  }
  let content: Uint8Array;
  let truncated: boolean;
  try {
    const read = await readRegularRange(path, 0, MAX_CHECKED_BYTES);
    if (read.kind !== "ok") throw new Error(describeRefusal(read));
    content = read.bytes;
    truncated = read.size > read.bytes.length;
  } catch (error) {
    throw new UsageError(`vitrine sample: cannot read "${path}": ${(error as Error).message}`);
  }
  const decision = decideSample(
    level as SampleLevel,
    content,
    await readMachineFacts(),
    truncated,
  );
  if (json) console.log(JSON.stringify({ file: path, ...decision }, null, 2));
  else console.log(`${decision.outcome}: ${decision.reason} (level ${decision.level})`);
}

/** Runs `vitrine sample`. */
export async function sampleCommand(args: string[]): Promise<number> {
  const flags = commandFlags("sample", args, SAMPLE_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  const [action, subject] = positionals;
  const expected = { pending: 1, list: 1, approve: 2, decline: 2, check: 2 } as const;
  if (
    !action || !(action in expected) ||
    positionals.length !== expected[action as keyof typeof expected]
  ) {
    throw new UsageError(
      "vitrine sample: expected `pending`, `list`, `approve ID --actor NAME`, `decline ID --actor NAME` or `check FILE`",
    );
  }
  if (action === "check") {
    await checkFile(subject!, values.level, values, values.json ?? false);
    return 0;
  }
  if ((action === "approve" || action === "decline") && values.actor === undefined) {
    throw new UsageError(
      `vitrine sample ${action}: --actor NAME is required (who decides, up to 200 characters)`,
    );
  }
  let query;
  try {
    query = parseSampleQuery({
      state: action === "pending" ? "held" : values.state,
      limit: values.limit,
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new UsageError(`vitrine sample ${action}: ${error.message}`);
  }
  const data = await openDataFromFlags(values);
  try {
    if (action === "pending" || action === "list") {
      console.log(JSON.stringify(await sampleReport(data.store.db, data.policy, query), null, 2));
      return 0;
    }
    const result = await decideHeldSample(data.store.db, data.identity, data.policy, {
      id: subject!,
      approve: action === "approve",
      actor: values.actor ?? "",
    });
    if (!result.ok) {
      console.error(`vitrine sample ${action}: ${result.message}`);
      return result.status === 400 ? 2 : 1;
    }
    const shown = sampleView(result.sample, allowedTiers(data.policy, "show"));
    console.log(
      `Sample ${shown.id} (${shown.signature}) ${
        action === "approve" ? "approved: the agent submits it" : "declined: it is never submitted"
      }; decided by ${shown.decidedBy}.`,
    );
    return 0;
  } finally {
    await data.store.close();
  }
}
