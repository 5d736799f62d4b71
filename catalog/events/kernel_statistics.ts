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
  withEbpf,
} from "../_field_builders.ts";
import type { FieldSpec } from "../types.ts";

/** The chmod family: permission changes. */
const MODE_CHANGES = ["chmod", "fchmod", "fchmodat", "fchmodat2"];
/** The chown family: ownership changes. */
const OWNER_CHANGES = ["chown", "fchown", "lchown", "fchownat"];
/** The utime family: time changes. */
const TIME_CHANGES = ["utime", "utimes", "futimesat", "utimensat"];
/** The setxattr and removexattr families. */
const XATTR_WRITES = [
  ...["setxattr", "lsetxattr", "fsetxattr", "setxattrat"],
  ...["removexattr", "lremovexattr", "fremovexattr", "removexattrat"],
];

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
    "reads of file contents: read(2)-family calls (eBPF), FAN_ACCESS or IN_ACCESS.",
    withEbpf(kernelBitsObservation("vnode", ["ACCESS"], ["ACCESS"]), {
      calls: ["read", "pread64", "readv", "preadv", "preadv2"],
      approximation: "every read(2)-family call, whatever the descriptor (pipes and sockets too)",
    }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write",
    "modifications of file contents: write(2)-family, truncate and fallocate calls (eBPF), FAN_MODIFY or IN_MODIFY.",
    withEbpf(kernelBitsObservation("vnode", ["MODIFY"], ["MODIFY"]), {
      calls: [
        "write",
        "pwrite64",
        "writev",
        "pwritev",
        "pwritev2",
        "truncate",
        "ftruncate",
        "fallocate",
      ],
      approximation: "every write(2)-family call, whatever the descriptor (pipes and sockets too)",
    }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.exec",
    "programs executed: execve and execveat calls (eBPF), files opened for execution (FAN_OPEN_EXEC); inotify cannot tell these apart.",
    withEbpf(kernelBitsObservation("vnode", ["OPEN_EXEC"], null), {
      calls: ["execve", "execveat"],
    }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.del",
    "directory entries removed, files and directories alike: unlink, unlinkat and rmdir calls (eBPF), FAN_DELETE or IN_DELETE.",
    withEbpf(kernelBitsObservation("vnode", ["DELETE"], ["DELETE"]), {
      calls: ["unlink", "unlinkat", "rmdir"],
    }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.read_attr",
    "reads of metadata: the stat(2) family (eBPF only; fanotify and inotify report no such event).",
    withEbpf(UNOBSERVABLE, { calls: ["stat", "fstat", "lstat", "newfstatat", "statx"] }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write_attr",
    "metadata changes (mode, owner, times, extended attributes): the chmod, chown, utime and setxattr families (eBPF), FAN_ATTRIB or IN_ATTRIB.",
    withEbpf(kernelBitsObservation("vnode", ["ATTRIB"], ["ATTRIB"]), {
      calls: [...MODE_CHANGES, ...OWNER_CHANGES, ...TIME_CHANGES, ...XATTR_WRITES],
    }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.read_ex_attr",
    "reads of extended attributes: the getxattr and listxattr families (eBPF only).",
    withEbpf(UNOBSERVABLE, {
      calls: [
        "getxattr",
        "lgetxattr",
        "fgetxattr",
        "listxattr",
        "llistxattr",
        "flistxattr",
        "getxattrat",
        "listxattrat",
      ],
    }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write_ex_attr",
    "changes of extended attributes: the setxattr and removexattr families (eBPF only; fanotify and inotify count them in write_attr).",
    withEbpf(UNOBSERVABLE, { calls: XATTR_WRITES }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.read_sec",
    "unsupported: Linux reports no event for reading security descriptors.",
    UNOBSERVABLE,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.write_sec",
    "permission changes: the chmod family (eBPF only; fanotify and inotify count them in write_attr).",
    withEbpf(UNOBSERVABLE, { calls: MODE_CHANGES }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.take_own",
    "ownership changes: the chown family (eBPF only; fanotify and inotify count them in write_attr).",
    withEbpf(UNOBSERVABLE, { calls: OWNER_CHANGES }),
  ),
  kernelCounterField(
    "ipc.kauth.vnode.link",
    "hard links made: link and linkat calls (eBPF only; to fanotify and inotify a link is a created entry).",
    withEbpf(UNOBSERVABLE, { calls: ["link", "linkat"] }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.create",
    "directory entries created, files and directories alike: creat, mkdir, mknod, symlink and link calls and opens with O_CREAT (eBPF), FAN_CREATE or IN_CREATE.",
    withEbpf(kernelBitsObservation("vnode", ["CREATE"], ["CREATE"]), {
      calls: [
        "creat",
        "mkdir",
        "mkdirat",
        "mknod",
        "mknodat",
        "symlink",
        "symlinkat",
        "link",
        "linkat",
      ],
      plus: ["open_create"],
      approximation: "an open with O_CREAT counts though the file may already have existed",
    }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.move",
    "entries renamed, files and directories alike: the rename family (eBPF), renamed into a watched place (FAN_MOVED_TO, IN_MOVED_TO).",
    withEbpf(kernelBitsObservation("vnode", ["MOVED_TO"], ["MOVED_TO"]), {
      calls: ["rename", "renameat", "renameat2"],
    }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.vnode.mount",
    "filesystems mounted or moved: mount and move_mount calls (eBPF only; fanotify and inotify take no mount-namespace mark here).",
    withEbpf(UNOBSERVABLE, { calls: ["mount", "move_mount"] }),
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
    "opens of files: open, openat, openat2 and creat calls (eBPF), opens of regular files (FAN_OPEN, IN_OPEN).",
    withEbpf(kernelBitsObservation("file_op", ["OPEN"], ["OPEN"], true), {
      calls: ["open", "openat", "openat2", "creat"],
      approximation: "directories opened for listing count too",
    }),
  ),
  kernelCounterField(
    "ipc.kauth.file_op.close",
    "closes: close calls (eBPF), closes of regular files, written or not (FAN_CLOSE_WRITE or FAN_CLOSE_NOWRITE; IN_CLOSE_*).",
    withEbpf(
      kernelBitsObservation("file_op", ["CLOSE_WRITE", "CLOSE_NOWRITE"], [
        "CLOSE_WRITE",
        "CLOSE_NOWRITE",
      ], true),
      {
        calls: ["close"],
        approximation: "every close call, whatever the descriptor (pipes and sockets too)",
      },
    ),
  ),
  kernelCounterField(
    "ipc.kauth.file_op.close_modified",
    "closes of files that were open for writing (FAN_CLOSE_WRITE, IN_CLOSE_WRITE).",
    kernelBitsObservation("file_op", ["CLOSE_WRITE"], ["CLOSE_WRITE"], true),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.move",
    "files renamed: the rename family (eBPF), regular files renamed into a watched place (FAN_MOVED_TO, IN_MOVED_TO).",
    withEbpf(kernelBitsObservation("file_op", ["MOVED_TO"], ["MOVED_TO"], true), {
      calls: ["rename", "renameat", "renameat2"],
      approximation: "directories renamed count too",
    }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.link",
    "hard links made: link and linkat calls (eBPF only; to fanotify and inotify a link is a created entry).",
    withEbpf(UNOBSERVABLE, { calls: ["link", "linkat"] }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.exec",
    "programs executed: execve and execveat calls (eBPF), files opened for execution (FAN_OPEN_EXEC); inotify cannot tell these apart.",
    withEbpf(kernelBitsObservation("file_op", ["OPEN_EXEC"], null, true), {
      calls: ["execve", "execveat"],
    }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.remove",
    "files removed: unlink, and unlinkat without AT_REMOVEDIR (eBPF), regular files removed (FAN_DELETE, IN_DELETE).",
    withEbpf(kernelBitsObservation("file_op", ["DELETE"], ["DELETE"], true), {
      calls: ["unlink", "unlinkat"],
      minus: ["unlinkat_dir"],
    }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.unmount",
    "filesystems unmounted: umount2 calls (eBPF), watched filesystems unmounted (IN_UNMOUNT); fanotify has no such event.",
    withEbpf(kernelBitsObservation("file_op", null, ["UNMOUNT"]), { calls: ["umount2"] }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.fork",
    "processes started: fork, vfork, and clone or clone3 without CLONE_THREAD (eBPF only; process creation is not a file event to fanotify or inotify).",
    withEbpf(UNOBSERVABLE, {
      calls: ["fork", "vfork", "clone", "clone3"],
      minus: ["clone_thread"],
    }),
    LINUX,
  ),
  kernelCounterField(
    "ipc.kauth.file_op.create",
    "files created: creat calls and opens with O_CREAT (eBPF), regular files created (FAN_CREATE, IN_CREATE).",
    withEbpf(kernelBitsObservation("file_op", ["CREATE"], ["CREATE"], true), {
      calls: ["creat"],
      plus: ["open_create"],
      approximation: "an open with O_CREAT counts though the file may already have existed",
    }),
    LINUX,
  ),
];

/** Counters of the real-time file-activity subsystem. */
export const KERNEL_STATISTICS_EVENT = defineEvent({
  type: "kernel_statistics",
  title: "File-activity subsystem statistics",
  description:
    "Counters of the real-time file-activity subsystem, vitrine's counterpart of a kernel extension: an eBPF program that counts system calls inside the kernel, or else a reader of the kernel's fanotify or inotify interface.",
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
      "Which kernel interface feeds the subsystem: ebpf (counted inside the kernel), fanotify, inotify, or none.",
      {
        platforms: LINUX,
        values: ["ebpf", "fanotify", "inotify", "unavailable"],
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
