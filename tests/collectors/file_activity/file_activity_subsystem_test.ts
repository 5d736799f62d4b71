import { deepEqual, equal, ok } from "node:assert/strict";
import { FileActivitySubsystem } from "../../../collectors/file_activity/file_activity_subsystem.ts";
import { SENSOR_KINDS } from "../../../collectors/file_activity/kernel_source.ts";
import { eventProblems } from "../../../catalog/validate_event.ts";
import { IS_ROOT, tempDir, waitFor } from "../../_helpers.ts";
import { requires } from "../../../testing/requires.ts";

type Counts = Record<string, number | null>;

const COUNTERS = {
  open: "ipc.kauth_file_op.open",
  close: "ipc.kauth.file_op.close",
  closeModified: "ipc.kauth.file_op.close_modified",
  exec: "ipc.kauth.file_op.exec",
  create: "ipc.kauth.file_op.create",
  remove: "ipc.kauth.file_op.remove",
  move: "ipc.kauth.file_op.move",
  read: "ipc.kauth.vnode.read",
  write: "ipc.kauth.vnode.write",
} as const;

function pick(fields: Record<string, unknown>): Counts {
  return Object.fromEntries(
    Object.entries(COUNTERS).map(([k, f]) => [k, fields[f] as number | null]),
  );
}

function diff(after: Counts, before: Counts): Counts {
  return Object.fromEntries(
    Object.keys(after).map((
      k,
    ) => [k, after[k] === null ? null : (after[k] as number) - (before[k] as number)]),
  );
}

async function settle(subsystem: FileActivitySubsystem): Promise<Counts> {
  // Wait until the totals stop moving for a while (the reader wakes on each event).
  let last = "";
  let stable = 0;
  await waitFor("file activity counters to settle", () => {
    const now = JSON.stringify(subsystem.fields(["required", "optional"]));
    stable = now === last ? stable + 1 : 0;
    last = now;
    return stable >= 8;
  }, 15_000);
  return pick(subsystem.fields(["required", "optional"]));
}

async function exactCounts(kind: "fanotify" | "inotify"): Promise<void> {
  await using dir = await tempDir();
  const subsystem = new FileActivitySubsystem();
  await subsystem.start({
    paths: [dir.path],
    exclusions: [],
    traceLevel: "error",
    observeKernel: true,
    prefer: [kind],
    narrowerScope: null,
  });
  try {
    equal(subsystem.status().subsystem, kind, subsystem.status().problems.join("; "));
    const N = 7;
    const base = await settle(subsystem);

    // N creates: each opens, writes, closes after writing (distinct files,
    // since fanotify merges queued events on one file).
    for (let i = 0; i < N; i++) {
      await Deno.writeTextFile(`${dir.path}/new-${i}.txt`, `content ${i}`);
    }
    const created = await settle(subsystem);
    deepEqual(diff(created, base), {
      open: N,
      close: N,
      closeModified: N,
      create: N,
      write: N,
      read: 0,
      remove: 0,
      move: 0,
      exec: kind === "fanotify" ? 0 : null,
    });

    // N reads of other existing files.
    for (let i = 0; i < N; i++) await Deno.readTextFile(`${dir.path}/new-${i}.txt`);
    const read = await settle(subsystem);
    deepEqual(diff(read, created), {
      open: N,
      close: N,
      closeModified: 0,
      create: 0,
      write: 0,
      read: N,
      remove: 0,
      move: 0,
      exec: kind === "fanotify" ? 0 : null,
    });

    // N renames, then N removes.
    for (let i = 0; i < N; i++) {
      await Deno.rename(`${dir.path}/new-${i}.txt`, `${dir.path}/moved-${i}.txt`);
    }
    const moved = await settle(subsystem);
    equal(diff(moved, read).move, N);
    equal(diff(moved, read).open, 0);
    for (let i = 0; i < N; i++) await Deno.remove(`${dir.path}/moved-${i}.txt`);
    const removed = await settle(subsystem);
    equal(diff(removed, moved).remove, N);
    equal(diff(removed, moved).create, 0);

    // N executions of distinct copies of a binary.
    const binary = await Deno.readFile("/bin/true");
    for (let i = 0; i < N; i++) {
      await Deno.writeFile(`${dir.path}/run-${i}`, binary, { mode: 0o755 });
    }
    const copied = await settle(subsystem);
    for (let i = 0; i < N; i++) {
      const result = await new Deno.Command(`${dir.path}/run-${i}`).output();
      ok(result.success);
    }
    const ran = await settle(subsystem);
    equal(diff(ran, copied).exec, kind === "fanotify" ? N : null);
    const fields = subsystem.fields(["required", "optional"]);
    deepEqual(eventProblems("kernel_statistics", fields), []);
    equal(fields["subsystem"], kind);
    equal(fields["ipc.connected"], true);
    equal(fields["ipc.kauth.vnode.mount"], null, "unsupported counters are null, not zero");
    equal(fields["queue_overflows"], 0);
    equal(fields["ipc.connects"], 1);
    equal(fields["ipc.ack_pkts"], null, "there is no batch channel to acknowledge: unsupported");
    equal(fields["ipc.recv.bad_pkt_len"], 0);
  } finally {
    await subsystem.stop();
  }
}

Deno.test({
  name: "fanotify counts a known number of file operations exactly (needs root)",
  ...requires("root"),
  fn: () => exactCounts("fanotify"),
});

Deno.test("inotify counts a known number of file operations exactly", () => exactCounts("inotify"));

Deno.test("exclusions by name and extension keep matching files out of the counts", async () => {
  await using dir = await tempDir();
  const subsystem = new FileActivitySubsystem();
  await subsystem.start({
    paths: [dir.path],
    exclusions: [{ kind: "extension", extension: ".log" }, { kind: "name", name: "secret.txt" }, {
      kind: "path",
      path: `${dir.path}/skip`,
      isDirectory: true,
    }],
    traceLevel: "error",
    observeKernel: true,
    prefer: IS_ROOT ? ["fanotify"] : ["inotify"],
    narrowerScope: null,
  });
  try {
    await Deno.mkdir(`${dir.path}/skip`);
    const base = await settle(subsystem);
    await Deno.writeTextFile(`${dir.path}/a.log`, "x");
    await Deno.writeTextFile(`${dir.path}/secret.txt`, "x");
    await Deno.writeTextFile(`${dir.path}/skip/inner.txt`, "x");
    await Deno.writeTextFile(`${dir.path}/counted.txt`, "x");
    const after = await settle(subsystem);
    equal(diff(after, base).create, 1);
  } finally {
    await subsystem.stop();
  }
});

Deno.test("at the required level the subsystem reads no kernel events and reports only required fields", async () => {
  const subsystem = new FileActivitySubsystem();
  await subsystem.start({
    paths: ["/"],
    exclusions: [],
    traceLevel: "error",
    observeKernel: false,
    prefer: SENSOR_KINDS,
    narrowerScope: null,
  });
  try {
    const fields = subsystem.fields(["required"]);
    deepEqual(Object.keys(fields).sort(), [
      "instance_id",
      "ipc.connected",
      "ipc.connects",
      "ipc.rejects",
      "subsystem",
      "trace_level",
      "version",
    ]);
    equal(
      fields.subsystem,
      IS_ROOT ? "ebpf" : "inotify",
      "the sensor is probed (loaded and closed, or opened, marked and closed, at once)",
    );
    equal(fields["ipc.connected"], false, "no kernel reader runs at the required level");
    equal(fields["ipc.connects"], 0);
  } finally {
    await subsystem.stop();
  }
});

Deno.test("with no usable interface the subsystem reports itself unavailable and every counter as unsupported", async () => {
  const subsystem = new FileActivitySubsystem();
  await subsystem.start({
    paths: ["/nonexistent/vitrine-test"],
    exclusions: [],
    traceLevel: "error",
    observeKernel: true,
    prefer: ["inotify"],
    narrowerScope: null,
  });
  try {
    const fields = subsystem.fields(["required", "optional"]);
    equal(fields.subsystem, "unavailable");
    equal(fields["ipc.connected"], false);
    equal(fields["ipc.kauth_file_op.open"], null);
    equal(fields["ipc.ack_pkts"], null);
    equal(fields.queue_overflows, null);
    deepEqual(eventProblems("kernel_statistics", fields), []);
    ok(
      subsystem.status().problems.some((p) => p.includes("inotify is not usable")),
      subsystem.status().problems.join(),
    );
  } finally {
    await subsystem.stop();
  }
});

/** Creates `count` distinct files in `dir` from another process, as fast as it can. */
async function burst(dir: string, count: number): Promise<void> {
  const script =
    `for (let i = 0; i < ${count}; i++) Deno.openSync("${dir}/b" + i, { write: true, create: true }).close();`;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stderr: "piped",
  }).output();
  ok(result.success, new TextDecoder().decode(result.stderr));
}

async function burstCounted(kind: "fanotify" | "inotify"): Promise<void> {
  await using dir = await tempDir();
  const subsystem = new FileActivitySubsystem();
  await subsystem.start({
    paths: [dir.path],
    exclusions: [],
    traceLevel: "error",
    observeKernel: true,
    prefer: [kind],
    narrowerScope: null,
  });
  try {
    const base = await settle(subsystem);
    // More than the kernel's queue (16,384 events) holds, within a second:
    // a reader that drains on a timer loses part of it.
    const N = 40_000;
    await burst(dir.path, N);
    const after = await settle(subsystem);
    equal(diff(after, base).create, N);
    equal(subsystem.fields(["required", "optional"]).queue_overflows, 0);
  } finally {
    await subsystem.stop();
  }
}

Deno.test({
  name: "a burst of 40,000 new files is counted to the last one under fanotify (needs root)",
  ...requires("root"),
  fn: () => burstCounted("fanotify"),
});

Deno.test("a burst of 40,000 new files is counted to the last one under inotify", () =>
  burstCounted("inotify"));
