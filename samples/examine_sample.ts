/**
 * Looks at a file ClamAV's log names. The log is only a claim (anyone who
 * can name a file can forge a line), so nothing is believed on its word:
 * the file is opened once, with no symbolic link anywhere along its path,
 * and only as a regular file; its bytes are read through that one
 * descriptor; ClamAV itself must find the logged signature in those very
 * bytes. Only then are they hashed, recognised and checked for personal
 * data, and decided under the sample-submission level. A detection ClamAV
 * does not confirm is recorded as unconfirmed, with nothing of the file:
 * no digest, no size, no type, no path.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { sha256Hex } from "../export/hash_chain.ts";
import { readRegularRange, type Refusal } from "../ffi/read_regular_file.ts";
import type { Detection } from "../intelligence/clamav_detections.ts";
import type { ClamavVerdict } from "../intelligence/clamav_verdict.ts";
import { describeFindings, findPersonalDataAside, type MachineFacts } from "./personal_data.ts";
import {
  decideSample,
  recogniseContent,
  type SampleLevel,
  type SampleOutcome,
} from "./sample_decision.ts";

/** Why a detection was not confirmed, as a word for counting. */
export type UnconfirmedCause =
  | "relative_path"
  | "unsafe_path"
  | "not_read"
  | "too_large"
  | "changed"
  | "clean"
  | "other_signature"
  | "clamav_unavailable";

/** A detection ClamAV did not confirm: nothing of the file is kept. */
export interface Unconfirmed {
  confirmed: false;
  cause: UnconfirmedCause;
  /** In words, with nothing a user chose in them (no path, no link target, no signature). */
  reason: string;
}

/** A detection ClamAV confirmed on the bytes read, and the decision. */
export interface Confirmed {
  confirmed: true;
  /** The signature as ClamAV named it on those bytes. */
  signature: string;
  sha256: string;
  size: number;
  fileType: string;
  outcome: SampleOutcome;
  reason: string;
  /** The kinds of personal data found, in words ("" for none). */
  findings: string;
  /** The bytes ClamAV confirmed, when the sample may leave (submitted now or once approved). */
  bytes: Uint8Array<ArrayBuffer> | null;
}

/** What was found. */
export type Examination = Unconfirmed | Confirmed;

/** The rules an examination follows. */
export interface ExamineRules {
  level: SampleLevel;
  /** The largest sample, in bytes (samples.maxSizeMB). */
  maxBytes: number;
  facts: MachineFacts;
  /** ClamAV's verdict on bytes (intelligence/clamav_verdict.ts). */
  verdict: (bytes: Uint8Array, signature: string) => Promise<ClamavVerdict>;
}

/** Folders the packaged service hides (ProtectHome=yes, PrivateTmp=yes). */
const HIDDEN_BY_SERVICE = /^\/(?:home|root|run\/user|tmp|var\/tmp)\//;

/**
 * Whether `path` may be absent only because systemd runs the agent in the
 * packaged unit's sandbox (INVOCATION_ID is set for services) and that
 * sandbox hides its folder.
 */
function hiddenBySandbox(path: string): boolean {
  return HIDDEN_BY_SERVICE.test(path) && Deno.env.get("INVOCATION_ID") !== undefined;
}

const HIDDEN =
  "The file is not visible to the agent: its service hides /home, /root, /run/user, /tmp and /var/tmp. To submit samples from there, install the drop-in sample-reading.conf (README, Sample submission)";

/**
 * What went wrong, without the words of the error: those name the path,
 * which a user may have chosen, and the reason is required.
 */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : (error as Error).name;
}

function unconfirmed(cause: UnconfirmedCause, reason: string): Unconfirmed {
  return { confirmed: false, cause, reason: `Not confirmed by ClamAV: ${reason}` };
}

/** A refusal in words of vitrine's own (a link's target is a user's text, and is left out). */
function refusalReason(refusal: Refusal, path: string): string {
  switch (refusal.kind) {
    case "absent":
      return hiddenBySandbox(path)
        ? HIDDEN
        : "the file was gone before vitrine could read it (removed or moved by ClamAV?); nothing was read";
    case "link_in_path":
    case "dangling_link":
      return "a symbolic link lies along the path, and vitrine follows none to a sample; nothing was read";
    case "unsafe_path":
      return `the path is not one vitrine opens (${refusal.why}); nothing was read`;
    case "not_regular":
      return `the path names ${refusal.what}, not a regular file; nothing was read`;
    case "too_large":
      return "the file is larger than samples.maxSizeMB; nothing was read";
    case "timeout":
      return `the file could not be read within ${refusal.ms} ms; nothing was kept`;
  }
}

const VERDICT_REASONS = {
  clean: "ClamAV finds no signature in the bytes vitrine read, so the log line is not believed",
  other_signature:
    "ClamAV finds another signature in the bytes vitrine read than the log names, so the log line is not believed",
} as const;

/** Examines the file of `detection` under `rules`. */
export async function examineSample(
  detection: Detection,
  rules: ExamineRules,
): Promise<Examination> {
  const { path } = detection;
  if (!path.startsWith("/")) {
    return unconfirmed(
      "relative_path",
      "the log gives a relative path, which does not say which file it means; nothing was read",
    );
  }
  let read;
  try {
    read = await readRegularRange(path, 0, rules.maxBytes + 1, { noLinks: true });
  } catch (error) {
    return unconfirmed(
      "not_read",
      hiddenBySandbox(path) ? HIDDEN : `the file could not be read (${errorCode(error)})`,
    );
  }
  if (read.kind !== "ok") {
    const cause = read.kind === "unsafe_path" || read.kind === "link_in_path"
      ? "unsafe_path"
      : "not_read";
    return unconfirmed(cause, refusalReason(read, path));
  }
  if (read.size > rules.maxBytes) {
    return unconfirmed(
      "too_large",
      `the file is larger than samples.maxSizeMB (${
        rules.maxBytes / 1048576
      } MiB): vitrine neither keeps nor sends it, so ClamAV is not asked`,
    );
  }
  const bytes = read.bytes;
  const seen = detection.seen;
  if (
    seen && (seen.size !== bytes.length ||
      createHash("md5").update(bytes).digest("hex") !== seen.md5)
  ) {
    return unconfirmed(
      "changed",
      "the file is not what ClamAV logged (its MD5 or size differs): it changed since, so nothing was kept",
    );
  }
  const verdict = await rules.verdict(bytes, detection.signature);
  if (verdict.kind === "clean") return unconfirmed("clean", VERDICT_REASONS.clean);
  if (verdict.kind === "other") {
    return unconfirmed("other_signature", VERDICT_REASONS.other_signature);
  }
  if (verdict.kind === "unavailable") {
    return unconfirmed("clamav_unavailable", `ClamAV could not be asked (${verdict.why})`);
  }
  const { format } = recogniseContent(bytes);
  const found = rules.level === "none" ? [] : await findPersonalDataAside(bytes, rules.facts);
  const decision = decideSample(rules.level, bytes, rules.facts, false, found);
  return {
    confirmed: true,
    signature: verdict.signature,
    sha256: sha256Hex(bytes),
    size: bytes.length,
    fileType: format,
    outcome: decision.outcome,
    reason:
      `ClamAV (${verdict.by}) confirmed ${verdict.signature} in the bytes vitrine read. ${decision.reason}`,
    findings: describeFindings(decision.findings),
    bytes: decision.outcome === "keep" ? null : bytes,
  };
}
