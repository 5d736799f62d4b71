/**
 * Looks at a file ClamAV flagged: reads it (never through a link, never a
 * FIFO or device), takes its SHA-256 and size, recognises its type from
 * its content, and decides under the sample-submission level whether it
 * may be submitted, is held for a person's consent, or stays here.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { sha256Hex } from "../export/hash_chain.ts";
import { describeRefusal, readRegularRange } from "../ffi/read_regular_file.ts";
import type { Detection } from "../intelligence/clamav_detections.ts";
import {
  describeFindings,
  findPersonalDataInTurns,
  type MachineFacts,
} from "../policy/personal_data.ts";
import {
  decideSample,
  recogniseContent,
  type SampleLevel,
  type SampleOutcome,
} from "../policy/sample_decision.ts";

/** Bytes hashed per read when a file is larger than a sample may be. */
const HASH_CHUNK = 4 * 1024 * 1024;

/** What was found, and the decision. */
export interface Examination {
  sha256: string | null;
  size: number | null;
  fileType: string | null;
  outcome: SampleOutcome;
  reason: string;
  /** The kinds of personal data found, in words ("" for none). */
  findings: string;
  /** The content, when the sample may leave (submitted now or once approved). */
  bytes: Uint8Array<ArrayBuffer> | null;
}

/** The rules an examination follows. */
export interface ExamineRules {
  level: SampleLevel;
  /** The largest sample, in bytes (samples.maxSizeMB). */
  maxBytes: number;
  facts: MachineFacts;
}

function unread(reason: string): Examination {
  return {
    sha256: null,
    size: null,
    fileType: null,
    outcome: "keep",
    reason,
    findings: "",
    bytes: null,
  };
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
 * which belongs to the optional tier, and the reason is required.
 */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : (error as Error).name;
}

/** Whether `path` names the file itself: absolute, no link along it, no "." or "..". */
async function ownPath(path: string): Promise<boolean> {
  try {
    return await Deno.realPath(path) === path;
  } catch {
    // Gone: the read that follows says so.
    return true;
  }
}

/** Hashes a file larger than `head` in chunks; null when it changed or went away meanwhile. */
async function hashWhole(path: string, head: Uint8Array, size: number, ino: number) {
  const hash = createHash("sha256").update(head);
  for (let offset = head.length; offset < size; offset += HASH_CHUNK) {
    const read = await readRegularRange(path, offset, HASH_CHUNK, { noFollow: true });
    if (read.kind !== "ok" || read.ino !== ino || read.size !== size) return null;
    hash.update(read.bytes);
  }
  return hash.digest("hex");
}

/** Examines the file of `detection` under `rules`. */
export async function examineSample(
  detection: Detection,
  rules: ExamineRules,
): Promise<Examination> {
  const { path } = detection;
  if (!path.startsWith("/")) {
    return unread(
      "ClamAV logged a relative path, which does not say which file it means; nothing was read",
    );
  }
  if (!await ownPath(path)) {
    return unread(
      "The path is not the file's own (a symbolic link along it, or . or .. in it): vitrine never follows one to a sample, so nothing was read",
    );
  }
  let read;
  try {
    read = await readRegularRange(path, 0, rules.maxBytes, { noFollow: true });
  } catch (error) {
    return unread(
      hiddenBySandbox(path) ? HIDDEN : `The file could not be read (${errorCode(error)})`,
    );
  }
  if (read.kind === "absent") {
    return unread(
      hiddenBySandbox(path)
        ? HIDDEN
        : "The file was gone before vitrine could read it (removed or moved by ClamAV?)",
    );
  }
  if (read.kind !== "ok") return unread(`The file ${describeRefusal(read)}; nothing was read`);
  const { kind: _, format } = recogniseContent(read.bytes);
  if (read.size > read.bytes.length) {
    const sha256 = await hashWhole(path, read.bytes, read.size, read.ino);
    return {
      sha256,
      size: read.size,
      fileType: format,
      outcome: "keep",
      reason: `${format} of ${read.size} bytes, larger than samples.maxSizeMB (${
        rules.maxBytes / 1048576
      } MiB): it stays on this machine`,
      findings: "",
      bytes: null,
    };
  }
  const sha256 = sha256Hex(read.bytes);
  const seen = detection.seen;
  if (
    seen &&
    (seen.size !== read.size || createHash("md5").update(read.bytes).digest("hex") !== seen.md5)
  ) {
    return {
      sha256,
      size: read.size,
      fileType: format,
      outcome: "keep",
      reason:
        "The file is not what ClamAV flagged (its MD5 or size differs from the log's): it changed since, so it stays on this machine",
      findings: "",
      bytes: null,
    };
  }
  const found = rules.level === "none"
    ? []
    : await findPersonalDataInTurns(read.bytes, rules.facts);
  const decision = decideSample(rules.level, read.bytes, rules.facts, false, found);
  return {
    sha256,
    size: read.size,
    fileType: format,
    outcome: decision.outcome,
    reason: decision.reason,
    findings: describeFindings(decision.findings),
    bytes: decision.outcome === "keep" ? null : read.bytes,
  };
}
