/**
 * The one gate for tests that need something the machine may not have: a
 * peer program (protoc, clamscan, promtool, chromium …), root, a Debian
 * tool. `requires("protoc")` answers `{ ignore }` for `Deno.test` and, when
 * something is missing, says once which test file skips and what to
 * install, so that a skip is never silent.
 *
 * @module
 */
import { EbpfSensor } from "../collectors/file_activity/ebpf_sensor.ts";

/** The kernel's x86-64 system-call numbers as the C library's headers give them. */
export const SYSCALL_HEADER = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h";

/** What a test may need besides Deno: a program on PATH, or one of these conditions. */
export type Need =
  | string
  | "root"
  | "glibc"
  | "libseccomp"
  | "seeds"
  | "denort"
  | "ebpf"
  | "syscall-table";

/** Where each condition is checked, and what to do when it is not met. */
const CONDITIONS: Readonly<Record<string, { met: () => boolean; hint: string }>> = {
  root: { met: () => Deno.uid() === 0, hint: "run the tests as root" },
  glibc: {
    met: () =>
      [
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/aarch64-linux-gnu/libc.so.6",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
      ].some(exists),
    hint: "a glibc system",
  },
  libseccomp: {
    met: () =>
      [
        "/usr/lib/x86_64-linux-gnu/libseccomp.so.2",
        "/lib/x86_64-linux-gnu/libseccomp.so.2",
        "/usr/lib/aarch64-linux-gnu/libseccomp.so.2",
      ].some(exists),
    hint: "apt-get install libseccomp2",
  },
  denort: {
    met: () => {
      const denort = Deno.env.get("DENORT_BIN");
      return denort !== undefined && exists(denort);
    },
    hint: "DENORT_BIN naming a local denort runtime: deno compile cannot download its own here",
  },
  ebpf: {
    met: () => {
      if (Deno.uid() !== 0 || Deno.build.arch !== "x86_64") return false;
      try {
        EbpfSensor.open().close();
        return true;
      } catch {
        return false;
      }
    },
    hint: "root on x86-64 with a kernel that loads eBPF programs on raw tracepoints",
  },
  "syscall-table": {
    met: () => exists(SYSCALL_HEADER),
    hint: "apt-get install linux-libc-dev",
  },
  seeds: {
    met: () => exists(new URL("../../shared/seeds/linux-privacy.md", import.meta.url).pathname),
    hint: "the seeds at ../shared/seeds (beside the repository)",
  },
};

/** The Debian package (or npm package) that brings each program, for the message. */
const SOURCE: Readonly<Record<string, string>> = {
  protoc: "apt-get install protobuf-compiler",
  clamscan: "apt-get install clamav",
  clamd: "apt-get install clamav-daemon",
  sigtool: "apt-get install clamav",
  freshclam: "apt-get install clamav-freshclam",
  promtool: "apt-get install prometheus",
  prometheus: "apt-get install prometheus",
  chromium: "apt-get install chromium",
  "azurite-blob": "npm install -g azurite",
  "systemd-analyze": "apt-get install systemd",
  "dpkg-deb": "apt-get install dpkg",
  gcc: "apt-get install gcc",
  openssl: "apt-get install openssl",
  sqlite3: "apt-get install sqlite3",
  bpftrace: "apt-get install bpftrace",
  useradd: "apt-get install passwd",
  userdel: "apt-get install passwd",
  pkill: "apt-get install procps",
  dpkg: "a Debian system",
  ldconfig: "apt-get install libc-bin",
  "start-stop-daemon": "apt-get install dpkg",
  setpriv: "apt-get install util-linux",
  mount: "apt-get install mount",
  python3: "apt-get install python3",
  script: "apt-get install bsdutils",
  getconf: "apt-get install libc-bin",
  umount: "apt-get install mount",
  "apt-get": "a Debian system",
  npm: "install Node.js and npm",
  node: "install Node.js",
};

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The full path of `program` on PATH (an executable regular file), or null. */
export function onPath(program: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const path = `${dir}/${program}`;
    try {
      const stat = Deno.statSync(path);
      if (stat.isFile && (stat.mode ?? 0) & 0o111) return path;
    } catch {
      // Not in this directory.
    }
  }
  return null;
}

/** What of `needs` is missing here, each with what to do about it. */
export function missing(...needs: Need[]): string[] {
  return needs.flatMap((need) => {
    const condition = CONDITIONS[need];
    if (condition) return condition.met() ? [] : [`${need} (${condition.hint})`];
    return onPath(need) ? [] : [`${need} (not on PATH; ${SOURCE[need] ?? "install it"})`];
  });
}

const told = new Set<string>();

/** The test file that called, for the message. */
function caller(): string {
  const line = new Error().stack?.split("\n").find((l) =>
    l.includes("file://") && !l.includes("testing/requires.ts")
  );
  const url = /file:\/\/([^:)]+)/.exec(line ?? "")?.[1] ?? "a test";
  return url.replace(new URL("../", import.meta.url).pathname, "");
}

/**
 * `{ ignore: true }` when anything of `needs` is missing here, after saying
 * (once per file and list) which file skips and why; `{ ignore: false }`
 * otherwise. Use as `Deno.test({ ...requires("protoc"), name, fn })`, once
 * per test, with everything it needs (a second spread would override the first).
 */
export function requires(...needs: Need[]): { ignore: boolean } {
  const absent = missing(...needs);
  if (absent.length === 0) return { ignore: false };
  const message = `skipped in ${caller()}: needs ${absent.join(", ")}`;
  if (!told.has(message)) {
    told.add(message);
    console.warn(message);
  }
  return { ignore: true };
}
