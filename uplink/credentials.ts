/**
 * The secrets sending uses, read from the files the policy names as the
 * token file is: a regular file, bounded, never logged.
 *
 * @module
 */
import { describeRefusal, readRegularFile } from "../ffi/read_regular_file.ts";
import type { Policy } from "../policy/policy.ts";

/** The largest token file read. */
const MAX_TOKEN_BYTES = 16 * 1024;

/** The bearer token of `cloudService.tokenFile`, or null when none is set; throws why it cannot be used. */
export async function readToken(policy: Policy): Promise<string | null> {
  const path = policy.get("cloudService.tokenFile");
  if (path === null) return null;
  const read = await readRegularFile(path, MAX_TOKEN_BYTES);
  if (read.kind !== "ok") {
    throw new Error(
      `the token file "${path}" cannot be used: it ${
        read.kind === "unchanged" ? "is unchanged" : describeRefusal(read)
      }`,
    );
  }
  const token = new TextDecoder().decode(read.bytes).trim();
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new Error(`the token file "${path}" does not hold one printable token`);
  }
  return token;
}
