/**
 * The `kernel_statistics` event.
 *
 * @module
 */
import {
  BOTH,
  channelObservation,
  defineEvent,
  kernelBitsObservation,
  kernelCounterField,
  LINUX,
  maskObservation,
  seedField,
  UNOBSERVABLE,
  vitrineField,
} from "../_field_builders.ts";
import type { FieldSpec } from "../types.ts";

export const KERNEL_COUNTER_FIELDS: readonly FieldSpec[] = [
  kernelCounterField(
    "pkt_ack_timeout",
    "batches from the kernel reader that the core did not acknowledge in time.",
    channelObservation("ack_timeouts"),
  ),
  kernelCounterField(
    "pkt_ack_conn_timeout",
    "unsupported: the kernel reader runs in the agent's own process and answers its connect at once; no handshake can time out.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.ack_pkts",
    "batches the core accepted and acknowledged.",
    channelObservation("acked"),
  ),
  kernelCounterField(
    "ipc.nack_pkts",
    "batches the core refused as malformed.",
    channelObservation("nacked"),
  ),
  kernelCounterField(
    "ipc.send.ack_no_conn",
    "acknowledgements the core could not send because the reader was gone.",
    channelObservation("ack_no_conn"),
  ),
  kernelCounterField(
    "ipc.send.nack_no_conn",
    "refusals the core could not send because the reader was gone.",
    channelObservation("nack_no_conn"),
  ),
  kernelCounterField(
    "ipc.send.ack_no_qsq",
    "unsupported: the channel has no send queue of its own to run out of.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.send.nack_no_qsq",
    "unsupported: the channel has no send queue of its own to run out of.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.ack.no_space",
    "batches the reader dropped because too many were awaiting acknowledgement.",
    channelObservation("dropped_no_space"),
  ),
  kernelCounterField(
    "ipc.ack.timeout",
    "acknowledgements that arrived after their deadline.",
    channelObservation("late_acks"),
  ),
  kernelCounterField(
    "ipc.ack.ackd_fast",
    "acknowledgements received within 10 ms of sending.",
    channelObservation("acked_fast"),
  ),
  kernelCounterField(
    "ipc.ack.ackd",
    "acknowledgements received by the reader.",
    channelObservation("acks_received"),
  ),
  kernelCounterField(
    "ipc.recv.bad_pkt_len",
    "kernel records whose length fields did not fit the buffer read.",
    channelObservation("bad_records"),
  ),
  kernelCounterField(
    "ipc.recv.bad_reply_len",
    "acknowledgements from the core that did not have the expected shape.",
    channelObservation("bad_replies"),
  ),
  kernelCounterField(
    "ipc.recv.no_waiter",
    "acknowledgements naming a batch the reader was not waiting for.",
    channelObservation("unexpected_acks"),
  ),
  kernelCounterField(
    "ipc.recv.copy_failed",
    "reads from the kernel descriptor that failed.",
    channelObservation("read_failures"),
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
    "Counters of the real-time file-activity subsystem, vitrine's counterpart of a kernel extension: a reader of the kernel's fanotify or inotify interface and the channel that links it to the agent core.",
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
      "Times the agent core connected to the kernel reader since the subsystem started.",
      { unit: "count", measure: "counter" },
    ),
    seedField(
      "ipc.rejects",
      "required",
      "integer",
      "Connection attempts the kernel reader turned down.",
      { unit: "count", measure: "counter" },
    ),
    seedField(
      "ipc.connected",
      "required",
      "boolean",
      "Whether the core is connected to the kernel reader right now.",
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
