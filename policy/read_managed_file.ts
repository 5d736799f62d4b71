/**
 * Reads and checks the managed file: without ever blocking on what the
 * path holds, re-reading a file caught half-written, and not reading a
 * file again while it has not changed.
 *
 * @module
 */
import type { ManagedState, PolicyProblem } from "./policy.ts";
import {
  describeRefusal,
  pathStamp,
  readRegularFile,
  type RegularFileRead,
} from "../ffi/read_regular_file.ts";
import { SyscallError } from "../ffi/syscall_error.ts";
import { parsePolicyDocument } from "./parse_policy_document.ts";
import { validateSettings } from "./validate_settings.ts";

/** What reading the managed file found. */
export interface ManagedFileReading {
  state: ManagedState;
  /** The valid values it sets, by key. */
  values: Map<string, unknown>;
  problems: PolicyProblem[];
  /** What the path held when it was read (see pathStamp): a later change shows as another. */
  stamp?: string;
}

/** The largest managed file read; a larger one is refused. */
export const MAX_MANAGED_BYTES = 1024 * 1024;

/** A file changed this recently may be caught half-written: an unreadable one is read again. */
const SETTLE_MS = 2000;
const REREAD_DELAY_MS = 50;
const REREADS = 4;

function invalid(path: string, message: string, expected: string, key = ""): ManagedFileReading {
  return {
    state: "invalid",
    values: new Map(),
    problems: [{ file: path, key, expected, message: `Managed file "${path}": ${message}` }],
  };
}

/** The last reading of each managed file, with the stamp and age of the file it came from. */
const lastReadings = new Map<
  string,
  { stamp: string; mtimeMs: number; reading: ManagedFileReading }
>();

/** Reads the file's text, or says why it cannot be used as a managed file. */
async function readText(
  path: string,
): Promise<{ text: string; mtimeMs: number; stamp: string } | ManagedFileReading> {
  let read: RegularFileRead;
  try {
    // A file changed within the last moments is always read: on a filesystem
    // with coarse times a rewrite may keep its stamp.
    const last = lastReadings.get(path);
    const known = last && Date.now() - last.mtimeMs > SETTLE_MS ? last.stamp : undefined;
    read = await readRegularFile(path, MAX_MANAGED_BYTES, known ? { known } : {});
  } catch (error) {
    const code = error instanceof SyscallError ? error.code : "";
    const hint = code === "EACCES" || code === "EPERM"
      ? "; the agent must be able to read it (mode 0644, or owned by the agent's user)"
      : "";
    return invalid(
      path,
      `cannot be read (${(error as Error).message})${hint}`,
      "a file readable by the agent",
    );
  }
  switch (read.kind) {
    case "absent":
      return { state: "absent", values: new Map(), problems: [] };
    case "dangling_link":
      return invalid(
        path,
        `is a symbolic link to "${read.target}", which does not exist; an admin's link that leads nowhere is not taken as "no managed file"`,
        "a link to an existing JSON file, or no file at all",
      );
    case "not_regular":
      return invalid(path, `is not a regular file: it is ${read.what}`, "a regular JSON file");
    case "link_in_path":
    case "unsafe_path":
      return invalid(path, describeRefusal(read), "a regular JSON file");
    case "too_large":
      return invalid(
        path,
        `is ${read.size} bytes, more than the ${MAX_MANAGED_BYTES} allowed`,
        "a file under 1 MiB",
      );
    case "timeout":
      return invalid(
        path,
        `could not be read within ${read.ms} ms (a hung network filesystem?)`,
        "a file on a local disk",
      );
    case "unchanged":
      // Polled every few seconds: an unchanged file is not read or parsed again.
      return structuredClone(lastReadings.get(path)!.reading);
    case "ok":
      try {
        return {
          text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(read.bytes),
          mtimeMs: read.mtimeMs,
          stamp: read.stamp,
        };
      } catch {
        return invalid(path, "is not UTF-8 text", "a JSON file in UTF-8");
      }
  }
}

/** Reads the file once and checks it. */
async function readOnce(path: string): Promise<{ reading: ManagedFileReading; fresh: boolean }> {
  const text = await readText(path);
  if ("state" in text) return { reading: text, fresh: false };
  const fresh = Date.now() - text.mtimeMs < SETTLE_MS;
  const parsed = parsePolicyDocument(text.text);
  if (parsed.document === undefined) {
    const [first] = parsed.problems;
    return { reading: invalid(path, first?.message ?? "is not JSON", "a JSON object"), fresh };
  }
  const check = validateSettings(parsed.document);
  const problems = [...parsed.problems, ...check.problems].map((p) => ({
    ...p,
    file: path,
    message: `Managed file "${path}": ${p.message}`,
  }));
  const reading: ManagedFileReading = {
    state: problems.length > 0 ? "invalid" : "valid",
    values: check.values,
    problems,
  };
  if (lastReadings.size > 16) lastReadings.clear();
  lastReadings.set(path, {
    stamp: text.stamp,
    mtimeMs: text.mtimeMs,
    reading: structuredClone(reading),
  });
  return { reading, fresh };
}

/**
 * Reads and checks the managed file; absent is not a problem. A file that
 * was just changed and cannot be parsed is read again a few times first,
 * since a rewrite in place (`echo … > managed.json`) is briefly empty.
 */
export async function readManagedFile(path: string): Promise<ManagedFileReading> {
  // Taken before the read: a change during it shows as a changed stamp later.
  const stamp = pathStamp(path);
  let attempt = await readOnce(path);
  for (let i = 0; i < REREADS && attempt.fresh && attempt.reading.state === "invalid"; i++) {
    await new Promise((resolve) => setTimeout(resolve, REREAD_DELAY_MS));
    attempt = await readOnce(path);
  }
  return { ...attempt.reading, stamp };
}
