import { deepEqual, equal, ok } from "node:assert/strict";
import { sysinfo } from "../../ffi/sysinfo.ts";
import { statvfs } from "../../ffi/statvfs.ts";
import { uname } from "../../ffi/uname.ts";
import { gethostname } from "../../ffi/hostname.ts";
import { getrusage } from "../../ffi/rusage.ts";
import { sysconf } from "../../ffi/sysconf.ts";
import { geteuid } from "../../ffi/euid.ts";
import { SyscallError } from "../../ffi/syscall_error.ts";
import { tryLockFile } from "../../ffi/file_lock.ts";
import { sh, tempDir } from "../_helpers.ts";
import { requires } from "../../testing/requires.ts";

Deno.test("sysinfo total memory equals MemTotal of /proc/meminfo", async () => {
  const meminfo = await Deno.readTextFile("/proc/meminfo");
  const kib = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)![1]);
  equal(sysinfo().totalRamBytes, kib * 1024);
});

Deno.test("sysinfo uptime and load agree with /proc/uptime and /proc/loadavg", async () => {
  const uptime = Number((await Deno.readTextFile("/proc/uptime")).split(" ")[0]);
  const info = sysinfo();
  ok(
    Math.abs(info.uptimeSeconds - uptime) <= 2,
    `sysinfo ${info.uptimeSeconds} vs /proc/uptime ${uptime}`,
  );
  const load15 = Number((await Deno.readTextFile("/proc/loadavg")).split(" ")[2]);
  ok(Math.abs(info.loads[2] - load15) < 0.05, `load15 ${info.loads[2]} vs ${load15}`);
});

Deno.test("statvfs of / matches the size df -B1 reports", async () => {
  const lines = (await sh("df", ["-B1", "--output=size,avail", "/"])).trim().split("\n");
  const [size, avail] = lines[1]!.trim().split(/\s+/).map(Number);
  const fs = statvfs("/");
  equal(fs.totalBytes, size);
  // Free space moves while the tests write; allow 256 MiB of drift.
  ok(
    Math.abs(fs.availableBytes - avail!) < 256 * 1024 * 1024,
    `avail ${fs.availableBytes} vs df ${avail}`,
  );
});

Deno.test("statvfs inode counts match stat -f", async () => {
  const [files] = (await sh("stat", ["-f", "-c", "%c", "/"])).trim().split(" ").map(Number);
  equal(statvfs("/").totalInodes, files);
});

Deno.test("statvfs of a missing path throws SyscallError ENOENT naming the path", () => {
  try {
    statvfs("/no/such/path/for/vitrine");
    throw new Error("statvfs did not throw");
  } catch (error) {
    if (!(error instanceof SyscallError)) throw error;
    deepEqual([error.syscall, error.code, error.errno], ["statvfs", "ENOENT", 2]);
    ok(error.message.includes('"/no/such/path/for/vitrine"'));
  }
});

Deno.test("uname and gethostname agree with /proc/sys/kernel", async () => {
  deepEqual(uname().release, (await Deno.readTextFile("/proc/sys/kernel/osrelease")).trim());
  deepEqual(gethostname(), (await Deno.readTextFile("/proc/sys/kernel/hostname")).trim());
  deepEqual(uname().machine, (await sh("uname", ["-m"])).trim());
});

Deno.test({
  ...requires("getconf"),
  name: "sysconf agrees with getconf",
  fn: async () => {
    equal(sysconf("pageSize"), Number(await sh("getconf", ["PAGESIZE"])));
    equal(sysconf("clockTicks"), Number(await sh("getconf", ["CLK_TCK"])));
    equal(sysconf("processorsOnline"), Number(await sh("getconf", ["_NPROCESSORS_ONLN"])));
  },
});

Deno.test("getrusage peak RSS is close to VmHWM of /proc/self/status", async () => {
  const status = await Deno.readTextFile("/proc/self/status");
  const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) * 1024;
  const usage = getrusage();
  ok(Math.abs(usage.maxRssBytes - hwm) / hwm < 0.1, `maxrss ${usage.maxRssBytes} vs VmHWM ${hwm}`);
  ok(usage.userCpuSeconds > 0);
});

Deno.test("geteuid matches Deno.uid", () => {
  equal(geteuid(), Deno.uid());
});

Deno.test("a second exclusive lock on the same file is refused until the first is released", async () => {
  await using dir = await tempDir();
  const first = tryLockFile(`${dir.path}/lock`);
  if (first === null) throw new Error("The first lock was refused");
  equal(tryLockFile(`${dir.path}/lock`), null);
  first.release();
  const again = tryLockFile(`${dir.path}/lock`);
  if (again === null) throw new Error("The lock was not free after release");
  again.release();
});
