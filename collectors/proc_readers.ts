/**
 * Parsers for the /proc files the system collector reads.
 *
 * @module
 */

/**
 * Reads the counters of /proc/vmstat (`key value`) or the sizes of
 * /proc/meminfo (`Key:   value kB`, kibibytes made bytes) into fields
 * named by `name` from each key. The kernel writes the
 * same keys in the same order every time: each line's key is recognised
 * where it was last time, without making a new string, so that reading
 * the file each second costs little more than its numbers.
 */
export class ProcCounters {
  readonly #name: (key: string) => string;
  readonly #meminfo: boolean;
  /** The key text of each line last read, and the field it was named as. */
  #keys: string[] = [];
  #names: string[] = [];

  constructor(kind: "vmstat" | "meminfo", name: (key: string) => string = (key) => key) {
    this.#meminfo = kind === "meminfo";
    this.#name = name;
  }

  /** Adds the file's values to `into`; a line that is not a whole non-negative number is skipped. */
  read(text: string, into: Record<string, unknown>): void {
    const separator = this.#meminfo ? ":" : " ";
    let line = 0;
    for (let start = 0; start < text.length; line++) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const known = this.#keys[line];
      let keyEnd: number;
      if (
        known !== undefined && text.startsWith(known, start) &&
        text[start + known.length] === separator
      ) {
        keyEnd = start + known.length;
      } else {
        keyEnd = text.indexOf(separator, start);
        if (keyEnd < 0 || keyEnd > end) {
          start = end + 1;
          continue;
        }
        const key = text.slice(start, keyEnd);
        this.#keys[line] = key;
        this.#names[line] = this.#name(key);
      }
      let value = text.slice(keyEnd + 1, end).trim();
      let scale = 1;
      if (this.#meminfo && value.endsWith(" kB")) {
        value = value.slice(0, -3).trimEnd();
        scale = 1024;
      }
      // Counters and sizes are whole numbers; anything else is not one.
      const number = value === "" ? NaN : +value;
      if (Number.isSafeInteger(number) && number >= 0) into[this.#names[line]!] = number * scale;
      start = end + 1;
    }
  }
}

/** /proc/meminfo as bytes per key (lines in kB are converted). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  new ProcCounters("meminfo").read(text, out);
  return out;
}

/** /proc/vmstat as counters per key. */
export function parseVmstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  new ProcCounters("vmstat").read(text, out);
  return out;
}

/** The aggregate cpu line of /proc/stat, in clock ticks. */
export function parseCpuTicks(text: string): number[] | null {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  return line ? line.trim().split(/\s+/).slice(1).map(Number) : null;
}

/** One pressure line of /proc/pressure/<resource>. */
export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Microseconds. */
  total: number;
}

/** /proc/pressure/<resource>: `some` and, where present, `full`. */
export function parsePressure(
  text: string,
): Partial<Record<"some" | "full", PressureLine>> {
  const out: Partial<Record<"some" | "full", PressureLine>> = {};
  for (const line of text.split("\n")) {
    const [kind, ...pairs] = line.trim().split(/\s+/);
    if (kind !== "some" && kind !== "full") continue;
    const values = Object.fromEntries(pairs.map((pair) => pair.split("=")));
    out[kind] = {
      avg10: Number(values.avg10),
      avg60: Number(values.avg60),
      avg300: Number(values.avg300),
      total: Number(values.total),
    };
  }
  return out;
}

/** A mounted filesystem from /proc/self/mountinfo. */
export interface Mount {
  mountPoint: string;
  fsType: string;
  source: string;
}

// Filesystems that hold no user data of their own.
const PSEUDO = new Set([
  "proc",
  "sysfs",
  "devtmpfs",
  "devpts",
  "tmpfs",
  "cgroup",
  "cgroup2",
  "securityfs",
  "debugfs",
  "tracefs",
  "configfs",
  "fusectl",
  "mqueue",
  "hugetlbfs",
  "pstore",
  "bpf",
  "autofs",
  "binfmt_misc",
  "rpc_pipefs",
  "nsfs",
  "efivarfs",
  "ramfs",
  "selinuxfs",
  "fuse.gvfsd-fuse",
  "fuse.portal",
]);

function unescapeMount(text: string): string {
  return text.replace(
    /\\([0-7]{3})/g,
    (_, octal) => String.fromCharCode(parseInt(octal, 8)),
  );
}

/** Real (not pseudo) filesystems, one per mount point. */
export function parseMountinfo(text: string): Mount[] {
  const byPoint = new Map<string, Mount>();
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mountPoint = left.split(" ")[4];
    const [fsType, source] = right.split(" ");
    if (!mountPoint || !fsType || PSEUDO.has(fsType)) continue;
    byPoint.set(unescapeMount(mountPoint), {
      mountPoint: unescapeMount(mountPoint),
      fsType,
      source: unescapeMount(source ?? ""),
    });
  }
  return [...byPoint.values()];
}
