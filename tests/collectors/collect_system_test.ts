import { deepEqual, equal, ok } from "node:assert/strict";
import { collectSystem } from "../../collectors/collect_system.ts";
import { parseMeminfo, parseMountinfo, parsePressure } from "../../collectors/proc_readers.ts";
import { eventProblems } from "../../catalog/validate_event.ts";
import { sh } from "../_helpers.ts";
import { requires } from "../../testing/requires.ts";

Deno.test({
  ...requires("getconf"),
  name: "system statistics hold this machine's memory, disk and kernel values",
  fn: async () => {
    const fields = collectSystem(["required", "optional"]);
    deepEqual(eventProblems("system_statistics", fields), []);
    const meminfo = parseMeminfo(await Deno.readTextFile("/proc/meminfo"));
    equal(fields["memory.total"], meminfo.MemTotal);
    const df = (await sh("df", ["-B1", "--output=size", "/"])).trim().split("\n")[1]!.trim();
    equal(fields["root_fs.total"], Number(df));
    equal(fields["kernel.release"], (await sh("uname", ["-r"])).trim());
    const ticks = Number(await sh("getconf", ["CLK_TCK"]));
    const idle =
      Number((await Deno.readTextFile("/proc/stat")).split("\n")[0]!.trim().split(/\s+/)[4]) /
      ticks;
    ok(Math.abs((fields["cpu_time.idle"] as number) - idle) < 5, "idle seconds from /proc/stat");
    const rootMount = (fields.filesystems as { mount_point: string; total: number }[]).find((f) =>
      f.mount_point === "/"
    );
    equal(rootMount?.total, Number(df));
  },
});

Deno.test("at the required level no optional system field is collected", () => {
  const fields = collectSystem(["required"]);
  ok(!("filesystems" in fields));
  ok(
    !Object.keys(fields).some((k) =>
      k.startsWith("vmstat.") || k.startsWith("meminfo.") || k.startsWith("pressure.")
    ),
  );
});

Deno.test("pressure lines convert totals from microseconds to seconds, and missing lines are null", async () => {
  const parsed = parsePressure("some avg10=1.50 avg60=0.20 avg300=0.00 total=2500000\n");
  deepEqual(parsed.some, { avg10: 1.5, avg60: 0.2, avg300: 0, total: 2500000 });
  equal(parsed.full, undefined);
  const fields = collectSystem(["required", "optional"]);
  let exists = true;
  try {
    await Deno.stat("/proc/pressure/cpu");
  } catch {
    exists = false;
  }
  if (exists) ok(typeof fields["pressure.cpu.some_avg10"] === "number");
  else equal(fields["pressure.cpu.some_avg10"], null);
});

Deno.test("mountinfo parsing skips pseudo filesystems and decodes escaped names", () => {
  const text = [
    "22 27 0:21 / /proc rw - proc proc rw",
    "27 1 254:0 / / rw - ext4 /dev/vda rw",
    "30 27 8:1 / /mnt/my\\040disk rw - xfs /dev/sdb1 rw",
    "31 27 0:30 / /run rw - tmpfs tmpfs rw",
  ].join("\n");
  deepEqual(parseMountinfo(text).map((m) => m.mountPoint), ["/", "/mnt/my disk"]);
});
