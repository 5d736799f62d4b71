import { deepEqual, equal, ok } from "node:assert/strict";
import { eventSpec } from "../../../catalog/key_spec.ts";
import {
  countersFor,
  CounterTotals,
  familyMasks,
} from "../../../collectors/file_activity/counter_totals.ts";
import { FAN } from "../../../ffi/fanotify.ts";
import { IN } from "../../../ffi/inotify.ts";

Deno.test("each interface counts exactly the catalogue's counters it can observe", () => {
  const fields = eventSpec("kernel_statistics")!.fields;
  for (const kind of ["fanotify", "inotify"] as const) {
    const observable = fields.filter((f) => f.source?.[kind]).map((f) => f.name).sort();
    deepEqual(countersFor(kind).map((c) => c.field).sort(), observable, kind);
  }
  const exec = countersFor("fanotify").find((c) => c.field === "ipc.kauth.file_op.exec");
  deepEqual(exec, {
    field: "ipc.kauth.file_op.exec",
    family: "file_op",
    mask: FAN.OPEN_EXEC,
    filesOnly: true,
  });
  equal(countersFor("inotify").some((c) => c.field === "ipc.kauth.file_op.exec"), false);
  const close = countersFor("inotify").find((c) => c.field === "ipc.kauth.file_op.close");
  equal(close?.mask, IN.CLOSE_WRITE | IN.CLOSE_NOWRITE);
});

Deno.test("family masks are the OR of each family's counters, as the catalogue assigns them", () => {
  const masks = familyMasks(countersFor("fanotify"));
  const expected = { vnode: 0, file_op: 0 };
  for (const field of eventSpec("kernel_statistics")!.fields) {
    const bits = field.source?.fanotify?.bits ?? [];
    const family = field.source?.family;
    if (family) { for (const bit of bits) expected[family] |= FAN[bit as keyof typeof FAN]; }
  }
  deepEqual(masks, expected);
  ok((masks.vnode & FAN.MODIFY) !== 0);
  equal(masks.vnode & FAN.OPEN, 0, "OPEN feeds only the file_op family");
  ok((masks.file_op & FAN.OPEN) !== 0);
});

Deno.test("an event counts once per counter whose bits it carries (times its repeats); files-only counters skip directories", () => {
  const totals = new CounterTotals(countersFor("inotify"));
  totals.count(IN.CREATE);
  totals.count(IN.CREATE | IN.ISDIR);
  totals.count(IN.OPEN | IN.CLOSE_WRITE);
  totals.count(IN.MODIFY, 3);
  const { totals: now, changed } = totals.take();
  equal(changed, true);
  equal(now["ipc.kauth.vnode.create"], 2, "vnode counters count directories too");
  equal(now["ipc.kauth.file_op.create"], 1, "file_op counters count files only");
  equal(now["ipc.kauth_file_op.open"], 1);
  equal(now["ipc.kauth.file_op.close"], 1);
  equal(now["ipc.kauth.file_op.close_modified"], 1);
  equal(now["ipc.kauth.vnode.read"], 0);
  equal(now["ipc.kauth.vnode.write"], 3, "an event seen several times counts as many");
  equal(totals.take().changed, false, "nothing moved since");
});
