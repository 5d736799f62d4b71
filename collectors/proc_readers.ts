/**
 * Parsers for the /proc files the system collector reads.
 *
 * @module
 */

/** /proc/meminfo as bytes per key (lines in kB are converted). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const match = /^([^:]+):\s+(\d+)(\s+kB)?$/.exec(line.trim());
    if (match) out[match[1]!] = Number(match[2]) * (match[3] ? 1024 : 1);
  }
  return out;
}

/** /proc/vmstat as counters per key. */
export function parseVmstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const space = text.indexOf(" ", start);
    if (space > start && space < end) {
      const value = text.slice(space + 1, end);
      // Counters are whole numbers; anything else is not a counter.
      if (value !== "" && Number.isSafeInteger(+value) && +value >= 0) {
        out[text.slice(start, space)] = +value;
      }
    }
    start = end + 1;
  }
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
