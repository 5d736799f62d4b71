/**
 * `vitrine sample check FILE`: the sample-submission decision for a file.
 *
 * @module
 */
import { decideSample, type SampleLevel } from "../policy/sample_decision.ts";
import { openDataFromFlags } from "./open_data.ts";
import { DATA_FLAGS, parseFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text. */
export const SAMPLE_HELP = `vitrine sample check: would this file be submitted as a sample?

Usage: vitrine sample check FILE [--level none|safe|all] [--json]

Without --level the level in effect is used (the policy of --data-dir, or
the default, safe). At safe only executables and scripts are admitted,
recognised from their content, never from their name.`;

/** Runs the subcommand. */
export async function sampleCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("sample", args, {
    ...DATA_FLAGS,
    level: { type: "string" },
    json: { type: "boolean" },
  }, true);
  if (values.help) {
    console.log(SAMPLE_HELP);
    return 0;
  }
  if (positionals[0] !== "check" || positionals.length !== 2) {
    throw new UsageError("vitrine sample: expected `vitrine sample check FILE`");
  }
  const path = positionals[1]!;
  let level = values.level as string | undefined;
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
  let head: Uint8Array;
  try {
    using file = await Deno.open(path);
    const buffer = new Uint8Array(4096);
    const read = await file.read(buffer);
    head = buffer.subarray(0, read ?? 0);
  } catch (error) {
    throw new UsageError(`vitrine sample: cannot read "${path}": ${(error as Error).message}`);
  }
  const decision = decideSample(level as SampleLevel, head);
  if (values.json) console.log(JSON.stringify({ file: path, ...decision }, null, 2));
  else {console.log(
      `${decision.submit ? "submit" : "keep"}: ${decision.reason} (level ${decision.level})`,
    );}
  return 0;
}
