/**
 * `vitrine sample check FILE`: the sample-submission decision for a file.
 *
 * @module
 */
import { describeRefusal, readRegularRange } from "../ffi/read_regular_file.ts";
import { readMachineFacts } from "../policy/personal_data.ts";
import { decideSample, MAX_CHECKED_BYTES, type SampleLevel } from "../policy/sample_decision.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const SAMPLE_HELP = `vitrine sample check: would this file be submitted as a sample?

Usage: vitrine sample check FILE [--level none|safe|all] [--json]

Without --level the level in effect is used (the policy of --data-dir, or
the default, safe). At safe only executables and scripts are admitted,
recognised from their content, never from their name, and only when
nothing in their content looks like personal data: e-mail addresses, the
names and home paths of this machine's people, phone-, card-, national-id-
and bank-account-like numbers, private keys. The reason names what was
found (never the data itself).`;

/** Runs the subcommand. */
export async function sampleCommand(args: string[]): Promise<number> {
  const flags = commandFlags("sample", args, SAMPLE_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  if (positionals[0] !== "check" || positionals.length !== 2) {
    throw new UsageError("vitrine sample: expected `vitrine sample check FILE`");
  }
  const path = positionals[1]!;
  let level = values.level;
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
  if (values.json) console.log(JSON.stringify({ file: path, ...decision }, null, 2));
  else {console.log(
      `${decision.submit ? "submit" : "keep"}: ${decision.reason} (level ${decision.level})`,
    );}
  return 0;
}
