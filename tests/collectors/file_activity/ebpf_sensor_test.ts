// The eBPF sensor: its program against the kernel's own numbers, the
// catalogue's names against what the program counts, and counts of a known
// workload (run by another process: the sensor leaves its own process out).
import { deepEqual, equal, ok } from "node:assert/strict";
import { ebpfCounters, EbpfSensor } from "../../../collectors/file_activity/ebpf_sensor.ts";
import {
  countingProgram,
  EXTRA_SLOTS,
  SLOTS,
  SYSCALLS_X86_64,
} from "../../../collectors/file_activity/ebpf_program.ts";
import { eventSpec } from "../../../catalog/key_spec.ts";
import { requires, SYSCALL_HEADER } from "../../../testing/requires.ts";
import { tempDir } from "../../_helpers.ts";

Deno.test({
  ...requires("syscall-table"),
  name: "the program's system-call numbers are x86-64's, as the kernel's headers give them",
  fn: async () => {
    const header = await Deno.readTextFile(SYSCALL_HEADER);
    const known = new Map(
      [...header.matchAll(/^#define __NR_(\w+) (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    let compared = 0;
    for (const [name, number] of Object.entries(SYSCALLS_X86_64)) {
      // Calls newer than these headers (fchmodat2, the *xattrat family) are not in them.
      if (!known.has(name)) continue;
      equal(number, known.get(name), `__NR_${name}`);
      compared++;
    }
    ok(compared >= 60, `only ${compared} calls found in ${SYSCALL_HEADER}`);
    for (const slot of Object.values(EXTRA_SLOTS)) ok(slot >= 512 && slot < SLOTS);
  },
});

Deno.test("every call the catalogue names for eBPF is one the program counts, and each counter has one", () => {
  const counters = ebpfCounters();
  const named = (eventSpec("kernel_statistics")?.fields ?? []).filter((f) => f.source?.ebpf);
  deepEqual(counters.map((c) => c.field), named.map((f) => f.name));
  ok(counters.length >= 20, `${counters.length} counters`);
  for (const counter of counters) ok(counter.plus.length > 0, counter.field);
});

Deno.test("the program is whole: every jump lands inside it and it ends by returning", () => {
  const code = countingProgram(3, 1).encode();
  const view = new DataView(code.buffer);
  const count = code.length / 8;
  for (let i = 0; i < count; i++) {
    const op = view.getUint8(i * 8);
    // Jumps (class 5) other than call (0x85) and exit (0x95) carry an offset.
    if ((op & 0x07) === 0x05 && op !== 0x85 && op !== 0x95) {
      const target = i + 1 + view.getInt16(i * 8 + 2, true);
      ok(target > i && target < count, `instruction ${i} jumps to ${target}`);
    }
  }
  equal(view.getUint8((count - 1) * 8), 0x95, "the last instruction is exit");
});

/** Runs `script` in a shell of its own and returns the sensor's totals' growth over it. */
async function countedOver(sensor: EbpfSensor, script: string): Promise<Record<string, number>> {
  const before = sensor.totals();
  const run = await new Deno.Command("sh", { args: ["-c", script], stderr: "piped" }).output();
  equal(run.code, 0, new TextDecoder().decode(run.stderr));
  const after = sensor.totals();
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
}

/** `got` is at least `expected` and not more than a tenth above it (the rest of the machine runs too). */
function about(got: number | undefined, expected: number, what: string): void {
  ok(
    got !== undefined && got >= expected && got <= expected * 1.1 + 20,
    `${what}: counted ${got}, expected ${expected} (up to a tenth more for the rest of the machine)`,
  );
}

Deno.test({
  ...requires("ebpf"),
  name:
    "eBPF counts a known workload's creates, links, renames, removes, forks and execs in the kernel (needs root)",
  fn: async () => {
    await using dir = await tempDir();
    const N = 300;
    const sensor = EbpfSensor.open();
    try {
      const counted = await countedOver(
        sensor,
        `cd ${dir.path} && i=0; while [ $i -lt ${N} ]; do i=$((i+1)); ` +
          `mkdir d$i; : > f$i; ln f$i l$i; mv f$i g$i; done; rm -r d*; rm g* l*`,
      );
      // mkdir, ln and mv run as programs: one fork and one exec each, and the two rm.
      about(counted["ipc.kauth.file_op.fork"], 3 * N + 2, "processes started");
      about(counted["ipc.kauth.file_op.exec"], 3 * N + 2, "programs executed");
      about(counted["ipc.kauth.file_op.create"], N, "files created (: > f)");
      about(counted["ipc.kauth.vnode.create"], 3 * N, "entries created (mkdir, : >, ln)");
      about(counted["ipc.kauth.vnode.link"], N, "hard links");
      about(counted["ipc.kauth.file_op.move"], N, "renames");
      // rm -r removes directories with unlinkat(AT_REMOVEDIR): entries, not files.
      about(counted["ipc.kauth.file_op.remove"], 2 * N, "files removed");
      about(counted["ipc.kauth.vnode.del"], 3 * N, "entries removed");
    } finally {
      sensor.close();
    }
  },
});

Deno.test({
  ...requires("ebpf"),
  name: "the sensor leaves out the process that loaded it (the agent's own work is not counted)",
  fn: async () => {
    await using dir = await tempDir();
    const sensor = EbpfSensor.open();
    try {
      const before = sensor.totals();
      for (let i = 0; i < 500; i++) await Deno.writeTextFile(`${dir.path}/own${i}`, "x");
      const after = sensor.totals();
      const created = after["ipc.kauth.file_op.create"]! - before["ipc.kauth.file_op.create"]!;
      ok(created < 100, `${created} creates counted while this process made 500`);
    } finally {
      sensor.close();
    }
  },
});
