/**
 * The `kernel_statistics` event.
 *
 * @module
 */
import {
  BOTH,
  defineEvent,
  kernelBitsObservation,
  kernelCounterField,
  LINUX,
  maskObservation,
  readerObservation,
  seedField,
  UNOBSERVABLE,
  vitrineField,
} from "../_field_builders.ts";
import type { FieldSpec } from "../types.ts";

export const KERNEL_COUNTER_FIELDS: readonly FieldSpec[] = [
  kernelCounterField(
    "pkt_ack_timeout",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "pkt_ack_conn_timeout",
    "unsupported: the reader runs in the agent's own thread; there is no connection handshake to time out.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.ack_pkts",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.nack_pkts",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.send.ack_no_conn",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.send.nack_no_conn",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.send.ack_no_qsq",
    "unsupported: there is no send queue between the reader and the agent to run out of.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.send.nack_no_qsq",
    "unsupported: there is no send queue between the reader and the agent to run out of.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.ack.no_space",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.ack.timeout",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.ack.ackd_fast",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.ack.ackd",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.recv.bad_pkt_len",
    "kernel records whose length fields did not fit the buffer read.",
    readerObservation("bad_records"),
  ),
  kernelCounterField(
    "ipc.recv.bad_reply_len",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.recv.no_waiter",
    "unsupported: the reader runs in the agent's own thread and hands its counts over directly; there are no batches to acknowledge.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.recv.copy_failed",
    "waits on or reads from the kernel descriptor that failed.",
    readerObservation("read_failures"),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.mask",
    "the kernel event mask the subsystem subscribes to for its vnode counters (a bit mask rather than a count).",
    maskObservation("vnode"),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.read",
    "reads of file contents (FAN_ACCESS, IN_ACCESS).",
    kernelBitsObservation("vnode", ["ACCESS"], ["ACCESS"]),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write",
    "modifications of file contents (FAN_MODIFY, IN_MODIFY).",
    kernelBitsObservation("vnode", ["MODIFY"], ["MODIFY"]),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.exec",
    "files opened for execution (FAN_OPEN_EXEC); inotify cannot tell these apart.",
    kernelBitsObservation("vnode", ["OPEN_EXEC"], null),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.del",
    "directory entries removed, files and directories alike (FAN_DELETE, IN_DELETE).",
    kernelBitsObservation("vnode", ["DELETE"], ["DELETE"]),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.read_attr",
    "unsupported: Linux reports no event for reading metadata.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write_attr",
    "metadata changes: mode, owner, times, extended attributes (FAN_ATTRIB, IN_ATTRIB).",
    kernelBitsObservation("vnode", ["ATTRIB"], ["ATTRIB"]),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.read_ex_attr",
    "unsupported: Linux reports no event for reading extended attributes.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write_ex_attr",
    "unsupported on its own: extended-attribute changes are counted in write_attr.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.read_sec",
    "unsupported: Linux reports no event for reading security descriptors.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write_sec",
    "unsupported on its own: permission changes are counted in write_attr.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.take_own",
    "unsupported on its own: ownership changes are counted in write_attr.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.link",
    "unsupported: a hard link shows only as a created entry.",
    UNOBSERVABLE,
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.create",
    "directory entries created, files and directories alike (FAN_CREATE, IN_CREATE).",
    kernelBitsObservation("vnode", ["CREATE"], ["CREATE"]),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.move",
    "entries renamed into a watched place, files and directories alike (FAN_MOVED_TO, IN_MOVED_TO).",
    kernelBitsObservation("vnode", ["MOVED_TO"], ["MOVED_TO"]),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.mount",
    "unsupported: mount events need a mount-namespace mark this subsystem does not take.",
    UNOBSERVABLE,
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.denied",
    "unsupported: vitrine only observes and never denies an operation.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.ackd_before_deadline",
    "unsupported: there are no permission decisions with deadlines.",
    UNOBSERVABLE,
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.missed_deadline",
    "unsupported: there are no permission decisions with deadlines.",
    UNOBSERVABLE,
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.mask",
    "the kernel event mask the subsystem subscribes to for its file-operation counters (a bit mask rather than a count).",
    maskObservation("file_op"),
  ),
  kernelCounterField(
    "ipc.kauth_file_op.open",
    "opens of regular files (FAN_OPEN, IN_OPEN).",
    kernelBitsObservation("file_op", ["OPEN"], ["OPEN"], true),
  ),
  kernelCounterField(
    "ipc.kauth.file_op.close",
    "closes of regular files, written or not (FAN_CLOSE_WRITE or FAN_CLOSE_NOWRITE; IN_CLOSE_*).",
    kernelBitsObservation("file_op", ["CLOSE_WRITE", "CLOSE_NOWRITE"], [
      "CLOSE_WRITE",
      "CLOSE_NOWRITE",
    ], true),
  ),
  kernelCounterField(
    "ipc.kauth.file_op.close_modified",
    "closes of files that were open for writing (FAN_CLOSE_WRITE, IN_CLOSE_WRITE).",
    kernelBitsObservation("file_op", ["CLOSE_WRITE"], ["CLOSE_WRITE"], true),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.move",
    "regular files renamed into a watched place (FAN_MOVED_TO, IN_MOVED_TO).",
    kernelBitsObservation("file_op", ["MOVED_TO"], ["MOVED_TO"], true),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.link",
    "unsupported: a hard link shows only as a created entry.",
    UNOBSERVABLE,
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.exec",
    "files opened for execution (FAN_OPEN_EXEC); inotify cannot tell these apart.",
    kernelBitsObservation("file_op", ["OPEN_EXEC"], null, true),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.remove",
    "regular files removed (FAN_DELETE, IN_DELETE).",
    kernelBitsObservation("file_op", ["DELETE"], ["DELETE"], true),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.unmount",
    "watched filesystems unmounted (IN_UNMOUNT); fanotify has no such event.",
    kernelBitsObservation("file_op", null, ["UNMOUNT"]),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.fork",
    "unsupported: process creation is not a file event on Linux.",
    UNOBSERVABLE,
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.create",
    "regular files created (FAN_CREATE, IN_CREATE).",
    kernelBitsObservation("file_op", ["CREATE"], ["CREATE"], true),
    LINUX,
  ),
];

/** Counters of the real-time file-activity subsystem. */
export const KERNEL_STATISTICS_EVENT = defineEvent({
  type: "kernel_statistics",
  title: "File-activity subsystem statistics",
  description:
    "Counters of the real-time file-activity subsystem, vitrine's counterpart of a kernel extension: a reader of the kernel's fanotify or inotify interface, woken by the kernel whenever events are queued.",
  category: "Product and service performance",
  origin: "seed",
  platforms: BOTH,
  producedBy: "The file-activity collector, once per interval.",
  metricPrefix: "vitrine_file_activity_",
  fields: [
    seedField(
      "version",
      "required",
      "string",
      "Version of the agent running the subsystem.",
    ),
    seedField(
      "instance_id",
      "required",
      "string",
      "Random identifier minted each time the subsystem starts; counters restart with it.",
    ),
    seedField(
      "trace_level",
      "required",
      "string",
      "How much the subsystem logs about itself.",
      { values: ["off", "error", "warning", "info", "debug"] },
    ),
    seedField(
      "subsystem",
      "required",
      "string",
      "Which kernel interface feeds the subsystem.",
      {
        platforms: LINUX,
        values: ["fanotify", "inotify", "unavailable"],
      },
    ),
    seedField(
      "ipc.connects",
      "required",
      "integer",
      "Kernel readers started since the subsystem started (1 while it reads kernel events; 0 at the required level, where none is read).",
      { unit: "count", measure: "counter" },
    ),
    seedField(
      "ipc.rejects",
      "required",
      "integer",
      "Kernel interfaces that refused to open when the subsystem started (fanotify without CAP_SYS_ADMIN, say), before the one in use or none.",
      { unit: "count", measure: "counter" },
    ),
    seedField(
      "ipc.connected",
      "required",
      "boolean",
      "Whether a kernel reader is reading events right now.",
      { measure: "gauge" },
    ),
    ...KERNEL_COUNTER_FIELDS,
    vitrineField(
      "queue_overflows",
      "optional",
      "integer",
      "Times the kernel's event queue overflowed and events were lost; any value above zero is a health problem.",
      {
        unit: "count",
        measure: "counter",
        nullable: "The subsystem is unavailable.",
      },
    ),
  ],
});
