/**
 * ClamAV's signature databases, as far as vitrine reads them: the 512-byte
 * header of `daily`, `main` and `bytecode` (`.cvd` or `.cld`), which says
 * `ClamAV-VDB:time:version:signatures:level:md5:dsig:builder:stime`. The
 * daily database's version is the security intelligence version vitrine
 * reports as sig_version. Nothing else of the files is read.
 *
 * @module
 */
import { describeRefusal, readRegularRange } from "../ffi/read_regular_file.ts";

/** The databases whose headers are read. */
export const DATABASES = ["daily", "main", "bytecode"] as const;

/** A database's name. */
export type DatabaseName = (typeof DATABASES)[number];

/** What a header says. */
export interface DatabaseHeader {
  name: DatabaseName;
  file: string;
  /** When the database was built, as the header writes it. */
  builtAt: string;
  version: number;
  signatures: number;
  /** The functionality level the engine needs. */
  level: number;
  builder: string;
}

/** A database file that is there but cannot be read as one. */
export interface UnreadableDatabase {
  file: string;
  problem: string;
}

/** What a database directory holds. */
export interface DatabaseDirectory {
  directory: string;
  /** Whether the directory exists. */
  present: boolean;
  databases: DatabaseHeader[];
  unreadable: UnreadableDatabase[];
}

const HEADER_BYTES = 512;
const MAGIC = "ClamAV-VDB:";

/** The header in `bytes` (the first 512 bytes of a file), or why it is not one. */
export function parseHeader(
  name: DatabaseName,
  file: string,
  bytes: Uint8Array,
): DatabaseHeader | UnreadableDatabase {
  if (bytes.length < HEADER_BYTES) {
    return { file, problem: `truncated: ${bytes.length} bytes where the header needs 512` };
  }
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, HEADER_BYTES)).trimEnd();
  if (!text.startsWith(MAGIC)) {
    return { file, problem: "not a ClamAV database: the header does not start with ClamAV-VDB" };
  }
  const parts = text.split(":");
  const whole = (value: string | undefined) =>
    value !== undefined && /^\d{1,12}$/.test(value) ? Number(value) : null;
  const version = whole(parts[2]);
  const signatures = whole(parts[3]);
  const level = whole(parts[4]);
  if (
    parts.length < 8 || version === null || version === 0 || signatures === null || level === null
  ) {
    return {
      file,
      problem: `a damaged header: "${text.slice(0, 80).replace(/[^\x20-\x7e]/g, "?")}"`,
    };
  }
  return {
    name,
    file,
    builtAt: parts[1] ?? "",
    version,
    signatures,
    level,
    builder: parts[7] ?? "",
  };
}

/**
 * Reads the headers in `directory`. Where both a `.cvd` and a `.cld` of a
 * database exist, the higher version counts (freshclam replaces one by the
 * other).
 */
export async function readDatabaseDirectory(directory: string): Promise<DatabaseDirectory> {
  const result: DatabaseDirectory = { directory, present: true, databases: [], unreadable: [] };
  try {
    if (!(await Deno.stat(directory)).isDirectory) throw new Error("not a directory");
  } catch {
    return { ...result, present: false };
  }
  for (const name of DATABASES) {
    const found: DatabaseHeader[] = [];
    for (const extension of ["cld", "cvd"]) {
      const file = `${directory}/${name}.${extension}`;
      let head: Uint8Array;
      try {
        // Never blocks: a FIFO or a device in its place is refused unread.
        const read = await readRegularRange(file, 0, HEADER_BYTES);
        if (read.kind === "absent") continue;
        if (read.kind !== "ok") {
          result.unreadable.push({ file, problem: describeRefusal(read) });
          continue;
        }
        head = read.bytes;
      } catch (error) {
        result.unreadable.push({ file, problem: `cannot be read (${(error as Error).message})` });
        continue;
      }
      const parsed = parseHeader(name, file, head);
      if ("problem" in parsed) result.unreadable.push(parsed);
      else found.push(parsed);
    }
    const best = found.sort((a, b) => b.version - a.version)[0];
    if (best) result.databases.push(best);
  }
  return result;
}

/** The security intelligence version: the daily database's version as text, or null. */
export function sigVersionOf(directory: DatabaseDirectory): string | null {
  const daily = directory.databases.find((database) => database.name === "daily");
  return daily ? String(daily.version) : null;
}

/**
 * What is wrong with `directory`, in words: unreadable database files, and
 * a directory that is missing although an administrator named it
 * (`explicit`; the default one is simply absent where ClamAV is not installed).
 */
export function databaseProblems(directory: DatabaseDirectory, explicit: boolean): string[] {
  const problems: string[] = [];
  if (!directory.present && explicit) {
    problems.push(
      `The ClamAV database directory "${directory.directory}" (securityIntelligence.databaseDirectory) does not exist; sig_version is null.`,
    );
  }
  for (const { file, problem } of directory.unreadable) {
    problems.push(`The ClamAV database "${file}" is unreadable: ${problem}.`);
  }
  return problems;
}
