import { deepEqual } from "node:assert/strict";
import { ProcCounters } from "../../collectors/proc_readers.ts";

Deno.test("vmstat counters are read whole, each under its field name, read after read", () => {
  const reader = new ProcCounters("vmstat", (key) => `vmstat.${key}`);
  for (const n of [1, 2, 3]) {
    const fields: Record<string, unknown> = {};
    reader.read(`nr_free_pages ${100 * n}\npgfault ${7 * n}\n`, fields);
    deepEqual(fields, { "vmstat.nr_free_pages": 100 * n, "vmstat.pgfault": 7 * n });
  }
});

Deno.test("a key that appears, vanishes or changes place between reads is read as it is now", () => {
  const reader = new ProcCounters("vmstat", (key) => `vmstat.${key}`);
  const read = (text: string) => {
    const fields: Record<string, unknown> = {};
    reader.read(text, fields);
    return fields;
  };
  read("a 1\nb 2\nc 3");
  deepEqual(read("a 1\nx 9\nb 2\nc 3"), {
    "vmstat.a": 1,
    "vmstat.x": 9,
    "vmstat.b": 2,
    "vmstat.c": 3,
  });
  deepEqual(read("c 3\na 1"), { "vmstat.c": 3, "vmstat.a": 1 });
  // A key that starts like the one last read there is a different key.
  deepEqual(read("c_more 4\na 1"), { "vmstat.c_more": 4, "vmstat.a": 1 });
});

Deno.test("meminfo sizes in kB become bytes, parentheses become underscores, junk is skipped", () => {
  const reader = new ProcCounters("meminfo", (key) => `meminfo.${key.replace(/[()]/g, "_")}`);
  const fields: Record<string, unknown> = {};
  reader.read(
    "MemTotal:       16384 kB\nActive(anon):    1024 kB\nHugePages_Total:       0\nBad: x kB\nNegative: -5\nempty line without colon\n",
    fields,
  );
  deepEqual(fields, {
    "meminfo.MemTotal": 16384 * 1024,
    "meminfo.Active_anon_": 1024 * 1024,
    "meminfo.HugePages_Total": 0,
  });
});
