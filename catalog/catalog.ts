/**
 * The catalogue of diagnostic events and their fields, written once.
 *
 * Names and tiers of the fields marked `origin: "seed"` follow the two
 * privacy pages in shared/seeds exactly; descriptions are our own. Fields
 * marked `origin: "vitrine"` are ours. Validation, the policy filter, the
 * dashboard and the export schema all read this table.
 *
 * @module
 */
import type {
  Catalog,
  CounterSource,
  EventSpec,
  FieldSpec,
  FieldType,
  Platform,
  Tier,
  Unit,
} from "./types.ts";

const BOTH: readonly Platform[] = ["linux", "macos"];
const LINUX: readonly Platform[] = ["linux"];

interface FieldOptions {
  unit?: Unit;
  values?: readonly string[];
  nullable?: string;
  platforms?: readonly Platform[];
  source?: CounterSource;
}

function seed(
  name: string,
  tier: Tier,
  type: FieldType,
  description: string,
  options: FieldOptions = {},
): FieldSpec {
  return {
    name,
    tier,
    type,
    description,
    platforms: options.platforms ?? BOTH,
    origin: "seed",
    ...(options.unit ? { unit: options.unit } : {}),
    ...(options.values ? { values: options.values } : {}),
    ...(options.nullable ? { nullable: options.nullable } : {}),
    ...(options.source ? { source: options.source } : {}),
  };
}

function ours(
  name: string,
  tier: Tier,
  type: FieldType,
  description: string,
  options: FieldOptions = {},
): FieldSpec {
  return {
    ...seed(name, tier, type, description, {
      ...options,
      platforms: options.platforms ?? LINUX,
    }),
    origin: "vitrine",
  };
}

const COMMON: readonly FieldSpec[] = [
  seed(
    "platform",
    "required",
    "string",
    "Operating-system family the agent runs on; always `linux` for vitrine.",
  ),
  seed(
    "machine_guid",
    "required",
    "string",
    "Stable device identifier: an HMAC-SHA-256 of /etc/machine-id under a product key, so the raw machine id never leaves the agent.",
    {
      nullable: "The machine has no readable machine id; the agent reports a health problem.",
    },
  ),
  seed(
    "sense_guid",
    "required",
    "string",
    "Random identifier minted the first time this installation starts and kept in its database.",
  ),
  seed(
    "org_id",
    "required",
    "string",
    "Identifier of the organisation that manages the device, taken from the policy.",
    { nullable: "No organisation is set in the policy." },
  ),
  seed(
    "hostname",
    "required",
    "string",
    "The device's host name as the kernel reports it, cut at the first dot so no DNS domain is included.",
  ),
  seed(
    "product_guid",
    "required",
    "string",
    "Fixed identifier of the vitrine product, the same on every installation.",
  ),
  seed(
    "app_version",
    "required",
    "string",
    "Version of the vitrine agent that recorded the event.",
  ),
  seed(
    "sig_version",
    "required",
    "string",
    "Version of the security intelligence in use.",
    {
      nullable: "No security intelligence is installed; vitrine itself ships none.",
    },
  ),
  seed(
    "supported_compressions",
    "required",
    "string[]",
    "Compression formats this agent's runtime can actually produce, probed at start.",
  ),
  seed(
    "release_ring",
    "required",
    "string",
    "Release channel the device follows, from the policy (`production` unless set).",
  ),
];

// The file-activity counters. `fanotify`/`inotify` name the kernel bits that
// feed each one; null marks what that interface cannot observe.
function counter(
  name: string,
  meaning: string,
  source: Omit<CounterSource, "meaning">,
  platforms: readonly Platform[] = BOTH,
): FieldSpec {
  return seed(
    name,
    "optional",
    "integer",
    `Count since the subsystem started: ${meaning}`,
    {
      unit: "count",
      platforms,
      source: { ...source, meaning },
      nullable: "The active subsystem cannot observe this; it is unsupported here, not zero.",
    },
  );
}

const NONE = { fanotify: null, inotify: null } as const;
const channel = (name: string) => ({ ...NONE, channel: name });
const kernel = (
  fanotify: readonly string[] | null,
  inotify: readonly string[] | null,
  filesOnly = false,
) => ({
  fanotify: fanotify ? { bits: fanotify, filesOnly } : null,
  inotify: inotify ? { bits: inotify, filesOnly } : null,
});

const KERNEL_COUNTERS: readonly FieldSpec[] = [
  counter(
    "pkt_ack_timeout",
    "batches from the kernel reader that the core did not acknowledge in time.",
    channel("ack_timeouts"),
  ),
  counter(
    "pkt_ack_conn_timeout",
    "connection handshakes between the core and the kernel reader that timed out.",
    channel("handshake_timeouts"),
  ),
  counter(
    "ipc.ack_pkts",
    "batches the core accepted and acknowledged.",
    channel("acked"),
  ),
  counter(
    "ipc.nack_pkts",
    "batches the core refused as malformed.",
    channel("nacked"),
  ),
  counter(
    "ipc.send.ack_no_conn",
    "acknowledgements the core could not send because the reader was gone.",
    channel("ack_no_conn"),
  ),
  counter(
    "ipc.send.nack_no_conn",
    "refusals the core could not send because the reader was gone.",
    channel("nack_no_conn"),
  ),
  counter(
    "ipc.send.ack_no_qsq",
    "unsupported: the channel has no send queue of its own to run out of.",
    NONE,
  ),
  counter(
    "ipc.send.nack_no_qsq",
    "unsupported: the channel has no send queue of its own to run out of.",
    NONE,
  ),
  counter(
    "ipc.ack.no_space",
    "batches the reader dropped because too many were awaiting acknowledgement.",
    channel("dropped_no_space"),
  ),
  counter(
    "ipc.ack.timeout",
    "acknowledgements that arrived after their deadline.",
    channel("late_acks"),
  ),
  counter(
    "ipc.ack.ackd_fast",
    "acknowledgements received within 10 ms of sending.",
    channel("acked_fast"),
  ),
  counter(
    "ipc.ack.ackd",
    "acknowledgements received by the reader.",
    channel("acks_received"),
  ),
  counter(
    "ipc.recv.bad_pkt_len",
    "kernel records whose length fields did not fit the buffer read.",
    channel("bad_records"),
  ),
  counter(
    "ipc.recv.bad_reply_len",
    "acknowledgements from the core that did not have the expected shape.",
    channel("bad_replies"),
  ),
  counter(
    "ipc.recv.no_waiter",
    "acknowledgements naming a batch the reader was not waiting for.",
    channel("unexpected_acks"),
  ),
  counter(
    "ipc.recv.copy_failed",
    "reads from the kernel descriptor that failed.",
    channel("read_failures"),
  ),
  counter(
    "ipc.kauth.vnode.mask",
    "the kernel event mask the subsystem subscribes to for its vnode counters (a bit mask rather than a count).",
    { ...NONE, maskOf: "vnode" },
  ),
  counter(
    "ipc.kauth.vnode.read",
    "reads of file contents (FAN_ACCESS, IN_ACCESS).",
    kernel(["ACCESS"], ["ACCESS"]),
  ),
  counter(
    "ipc.kauth.vnode.write",
    "modifications of file contents (FAN_MODIFY, IN_MODIFY).",
    kernel(["MODIFY"], ["MODIFY"]),
  ),
  counter(
    "ipc.kauth.vnode.exec",
    "files opened for execution (FAN_OPEN_EXEC); inotify cannot tell these apart.",
    kernel(["OPEN_EXEC"], null),
  ),
  counter(
    "ipc.kauth.vnode.del",
    "directory entries removed, files and directories alike (FAN_DELETE, IN_DELETE).",
    kernel(["DELETE"], ["DELETE"]),
  ),
  counter(
    "ipc.kauth.vnode.read_attr",
    "unsupported: Linux reports no event for reading metadata.",
    NONE,
  ),
  counter(
    "ipc.kauth.vnode.write_attr",
    "metadata changes: mode, owner, times, extended attributes (FAN_ATTRIB, IN_ATTRIB).",
    kernel(["ATTRIB"], ["ATTRIB"]),
  ),
  counter(
    "ipc.kauth.vnode.read_ex_attr",
    "unsupported: Linux reports no event for reading extended attributes.",
    NONE,
  ),
  counter(
    "ipc.kauth.vnode.write_ex_attr",
    "unsupported on its own: extended-attribute changes are counted in write_attr.",
    NONE,
  ),
  counter(
    "ipc.kauth.vnode.read_sec",
    "unsupported: Linux reports no event for reading security descriptors.",
    NONE,
  ),
  counter(
    "ipc.kauth.vnode.write_sec",
    "unsupported on its own: permission changes are counted in write_attr.",
    NONE,
  ),
  counter(
    "ipc.kauth.vnode.take_own",
    "unsupported on its own: ownership changes are counted in write_attr.",
    NONE,
  ),
  counter(
    "ipc.kauth.vnode.link",
    "unsupported: a hard link shows only as a created entry.",
    NONE,
    LINUX,
  ),
  counter(
    "ipc.kauth.vnode.create",
    "directory entries created, files and directories alike (FAN_CREATE, IN_CREATE).",
    kernel(["CREATE"], ["CREATE"]),
    LINUX,
  ),
  counter(
    "ipc.kauth.vnode.move",
    "entries renamed into a watched place, files and directories alike (FAN_MOVED_TO, IN_MOVED_TO).",
    kernel(["MOVED_TO"], ["MOVED_TO"]),
    LINUX,
  ),
  counter(
    "ipc.kauth.vnode.mount",
    "unsupported: mount events need a mount-namespace mark this subsystem does not take.",
    NONE,
    LINUX,
  ),
  counter(
    "ipc.kauth.vnode.denied",
    "unsupported: vitrine only observes and never denies an operation.",
    NONE,
  ),
  counter(
    "ipc.kauth.vnode.ackd_before_deadline",
    "unsupported: there are no permission decisions with deadlines.",
    NONE,
    LINUX,
  ),
  counter(
    "ipc.kauth.vnode.missed_deadline",
    "unsupported: there are no permission decisions with deadlines.",
    NONE,
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.mask",
    "the kernel event mask the subsystem subscribes to for its file-operation counters (a bit mask rather than a count).",
    { ...NONE, maskOf: "file_op" },
  ),
  counter(
    "ipc.kauth_file_op.open",
    "opens of regular files (FAN_OPEN, IN_OPEN).",
    kernel(["OPEN"], ["OPEN"], true),
  ),
  counter(
    "ipc.kauth.file_op.close",
    "closes of regular files, written or not (FAN_CLOSE_WRITE or FAN_CLOSE_NOWRITE; IN_CLOSE_*).",
    kernel(["CLOSE_WRITE", "CLOSE_NOWRITE"], [
      "CLOSE_WRITE",
      "CLOSE_NOWRITE",
    ], true),
  ),
  counter(
    "ipc.kauth.file_op.close_modified",
    "closes of files that were open for writing (FAN_CLOSE_WRITE, IN_CLOSE_WRITE).",
    kernel(["CLOSE_WRITE"], ["CLOSE_WRITE"], true),
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.move",
    "regular files renamed into a watched place (FAN_MOVED_TO, IN_MOVED_TO).",
    kernel(["MOVED_TO"], ["MOVED_TO"], true),
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.link",
    "unsupported: a hard link shows only as a created entry.",
    NONE,
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.exec",
    "files opened for execution (FAN_OPEN_EXEC); inotify cannot tell these apart.",
    kernel(["OPEN_EXEC"], null, true),
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.remove",
    "regular files removed (FAN_DELETE, IN_DELETE).",
    kernel(["DELETE"], ["DELETE"], true),
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.unmount",
    "watched filesystems unmounted (IN_UNMOUNT); fanotify has no such event.",
    kernel(null, ["UNMOUNT"]),
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.fork",
    "unsupported: process creation is not a file event on Linux.",
    NONE,
    LINUX,
  ),
  counter(
    "ipc.kauth.file_op.create",
    "regular files created (FAN_CREATE, IN_CREATE).",
    kernel(["CREATE"], ["CREATE"], true),
    LINUX,
  ),
];

const PRESSURE_FIELDS: readonly FieldSpec[] = ["cpu", "memory", "io"].flatMap(
  (resource) =>
    ["some", "full"].flatMap((kind) => [
      ...["avg10", "avg60", "avg300"].map((window) =>
        ours(
          `pressure.${resource}.${kind}_${window}`,
          "optional",
          "number",
          `Share of wall time in which ${
            kind === "some" ? "at least one task" : "all runnable tasks"
          } stalled on ${resource}, averaged over ${window.slice(3)} seconds (/proc/pressure).`,
          {
            unit: "percent",
            nullable: "The kernel does not expose this pressure line.",
          },
        )
      ),
      ours(
        `pressure.${resource}.${kind}_total`,
        "optional",
        "number",
        `Total stall time of this kind on ${resource} since boot (/proc/pressure).`,
        {
          unit: "seconds",
          nullable: "The kernel does not expose this pressure line.",
        },
      ),
    ]),
);

const CPU_TIMES = [
  "user",
  "nice",
  "system",
  "idle",
  "iowait",
  "irq",
  "softirq",
  "steal",
] as const;

/** The event types, each with its own fields (the common ones excluded). */
const EVENTS: readonly EventSpec[] = [
  {
    type: "install",
    title: "Installation and uninstallation",
    description: "Records that this installation of the agent was set up, upgraded or removed.",
    category: "Software setup and inventory",
    origin: "seed",
    platforms: BOTH,
    producedBy:
      "The agent, when it creates a new data directory (code `install`) or first starts under a new version (code `upgrade`).",
    fields: [
      seed(
        "correlation_id",
        "required",
        "string",
        "Identifier tying together the records of one installation run.",
      ),
      seed(
        "version",
        "required",
        "string",
        "Version of the package being installed or removed.",
      ),
      seed("severity", "required", "string", "How serious the message is.", {
        values: ["Informational", "Warning", "Error"],
      }),
      seed("code", "required", "string", "Which operation took place.", {
        values: ["install", "upgrade", "uninstall"],
      }),
      seed(
        "text",
        "required",
        "string",
        "Free text about the operation, written by the agent.",
      ),
    ],
  },
  {
    type: "configuration",
    title: "Agent configuration",
    description: "A snapshot of the settings in effect, taken at start and after every change.",
    category: "Software setup and inventory",
    origin: "seed",
    platforms: BOTH,
    producedBy:
      "The agent, at start and whenever the managed file or a local preference changes what is in effect.",
    fields: [
      seed(
        "antivirus_engine.enable_real_time_protection",
        "required",
        "boolean",
        "Whether the real-time file-activity subsystem is switched on.",
      ),
      seed(
        "antivirus_engine.passive_mode",
        "required",
        "boolean",
        "Whether the engine only observes and reports, without acting on files.",
        { platforms: LINUX },
      ),
      seed(
        "cloud_service.enabled",
        "required",
        "boolean",
        "Whether the cloud service is allowed; when off, nothing would leave the device.",
      ),
      seed(
        "cloud_service.timeout",
        "required",
        "number",
        "How long a request to the cloud service may take before it is abandoned.",
        { unit: "seconds" },
      ),
      seed(
        "cloud_service.heartbeat_interval",
        "required",
        "number",
        "Time between two heartbeats to the cloud service.",
        { unit: "seconds" },
      ),
      seed(
        "cloud_service.service_uri",
        "required",
        "string",
        "Address of the cloud endpoint the agent would talk to.",
        { nullable: "No endpoint is configured." },
      ),
      seed(
        "cloud_service.diagnostic_level",
        "required",
        "string",
        "The diagnostic tier in effect.",
        { values: ["required", "optional"] },
      ),
      seed(
        "cloud_service.automatic_sample_submission",
        "required",
        "string",
        "Which suspicious files may be submitted automatically: none, only those that cannot hold personal data, or all.",
        { values: ["none", "safe", "all"] },
      ),
      seed(
        "cloud_service.automatic_definition_update_enabled",
        "required",
        "boolean",
        "Whether security intelligence updates are fetched automatically.",
        { platforms: LINUX },
      ),
      seed(
        "edr.early_preview",
        "required",
        "boolean",
        "Whether detection-and-response preview features are switched on.",
        { platforms: LINUX },
      ),
      seed(
        "edr.group_id",
        "required",
        "string",
        "Group the device is placed in by its detection-and-response settings.",
        { platforms: LINUX, nullable: "No group is set." },
      ),
      seed(
        "edr.tags",
        "required",
        "string[]",
        "Labels an administrator attached to the device, as `key=value`.",
        { platforms: LINUX },
      ),
      seed(
        "features.[optional feature name]",
        "required",
        "boolean",
        "One key per preview feature, true when that feature is switched on.",
      ),
      seed(
        "connection_retry_timeout",
        "optional",
        "number",
        "Wait before a failed cloud connection is tried again.",
        { unit: "seconds" },
      ),
      seed(
        "file_hash_cache_maximum",
        "optional",
        "integer",
        "Most file hashes the agent keeps cached.",
        { unit: "count" },
      ),
      seed(
        "crash_upload_daily_limit",
        "optional",
        "integer",
        "Most crash reports the agent would upload in one day.",
        { unit: "count" },
      ),
      seed(
        "antivirus_engine.exclusions[].is_directory",
        "optional",
        "boolean",
        "For a path exclusion, whether it names a directory (and so everything below it).",
      ),
      seed(
        "antivirus_engine.exclusions[].path",
        "optional",
        "string",
        "A path left out of file-activity monitoring.",
      ),
      seed(
        "antivirus_engine.exclusions[].extension",
        "optional",
        "string",
        "A file extension left out of file-activity monitoring.",
      ),
      seed(
        "antivirus_engine.exclusions[].name",
        "optional",
        "string",
        "A file name left out of file-activity monitoring.",
      ),
      seed(
        "antivirus_engine.scan_cache_maximum",
        "optional",
        "integer",
        "Most scan results the agent keeps cached.",
        { unit: "count" },
      ),
      seed(
        "antivirus_engine.maximum_scan_threads",
        "optional",
        "integer",
        "Most threads the engine may use at once.",
        { unit: "count" },
      ),
      seed(
        "antivirus_engine.threat_restoration_exclusion_time",
        "optional",
        "number",
        "How long a file restored from quarantine is left alone before it can be flagged again.",
        { unit: "seconds" },
      ),
      seed(
        "antivirus_engine.threat_type_settings",
        "optional",
        "object",
        "Action per threat type, such as `potentially_unwanted_application: audit`.",
        { platforms: LINUX },
      ),
      seed(
        "filesystem_scanner.full_scan_directory",
        "optional",
        "string",
        "Directory where a full scan starts.",
      ),
      seed(
        "filesystem_scanner.quick_scan_directories",
        "optional",
        "string[]",
        "Directories a quick scan covers.",
      ),
      seed(
        "edr.latency_mode",
        "optional",
        "string",
        "How the detection-and-response component trades latency for completeness.",
        { values: ["normal", "low"] },
      ),
      seed(
        "edr.proxy_address",
        "optional",
        "string",
        "Proxy the detection-and-response component would use.",
        { nullable: "No proxy is configured." },
      ),
    ],
  },
  {
    type: "auto_update_configuration",
    title: "Auto-update configuration",
    description: "How the device is set to look for and fetch product updates.",
    category: "Software setup and inventory",
    origin: "seed",
    platforms: BOTH,
    producedBy: "The agent, together with every configuration snapshot.",
    fields: [
      seed(
        "how_to_check",
        "optional",
        "string",
        "Whether updates are looked for automatically or only on request.",
        { values: ["automatic", "manual"] },
      ),
      seed(
        "channel_name",
        "optional",
        "string",
        "Update channel the device follows.",
      ),
      seed(
        "manifest_server",
        "optional",
        "string",
        "Server that lists available updates.",
        { nullable: "No update server is configured." },
      ),
      seed(
        "update_cache",
        "optional",
        "string",
        "Local directory where downloaded updates are kept.",
      ),
    ],
  },
  {
    type: "security_intelligence_update",
    title: "Security intelligence update report",
    description: "The outcome of one attempt to update the security intelligence.",
    category: "Product and service usage",
    origin: "seed",
    platforms: LINUX,
    producedBy:
      "Never by vitrine itself, which ships no security intelligence; the type is catalogued so such reports can be validated and audited.",
    fields: [
      seed("from_version", "required", "string", "Version before the update.", {
        nullable: "Nothing was installed before.",
        platforms: LINUX,
      }),
      seed(
        "to_version",
        "required",
        "string",
        "Version the update aimed for.",
        {
          platforms: LINUX,
        },
      ),
      seed("status", "required", "string", "Whether the update worked.", {
        values: ["success", "failure"],
        platforms: LINUX,
      }),
      seed(
        "using_proxy",
        "required",
        "boolean",
        "Whether the download went through a proxy.",
        { platforms: LINUX },
      ),
      seed("error", "required", "integer", "Numeric error when it failed.", {
        nullable: "The update succeeded.",
        platforms: LINUX,
      }),
      seed("reason", "required", "string", "Why it failed, in words.", {
        nullable: "The update succeeded.",
        platforms: LINUX,
      }),
    ],
  },
  {
    type: "kernel_statistics",
    title: "File-activity subsystem statistics",
    description:
      "Counters of the real-time file-activity subsystem, vitrine's counterpart of a kernel extension: a reader of the kernel's fanotify or inotify interface and the channel that links it to the agent core.",
    category: "Product and service performance",
    origin: "seed",
    platforms: BOTH,
    producedBy: "The file-activity collector, once per interval.",
    fields: [
      seed(
        "version",
        "required",
        "string",
        "Version of the agent running the subsystem.",
      ),
      seed(
        "instance_id",
        "required",
        "string",
        "Random identifier minted each time the subsystem starts; counters restart with it.",
      ),
      seed(
        "trace_level",
        "required",
        "string",
        "How much the subsystem logs about itself.",
        { values: ["off", "error", "warning", "info", "debug"] },
      ),
      seed(
        "subsystem",
        "required",
        "string",
        "Which kernel interface feeds the subsystem.",
        {
          platforms: LINUX,
          values: ["fanotify", "inotify", "unavailable"],
        },
      ),
      seed(
        "ipc.connects",
        "required",
        "integer",
        "Times the agent core connected to the kernel reader since the subsystem started.",
        { unit: "count" },
      ),
      seed(
        "ipc.rejects",
        "required",
        "integer",
        "Connection attempts the kernel reader turned down.",
        { unit: "count" },
      ),
      seed(
        "ipc.connected",
        "required",
        "boolean",
        "Whether the core is connected to the kernel reader right now.",
      ),
      ...KERNEL_COUNTERS,
      ours(
        "queue_overflows",
        "optional",
        "integer",
        "Times the kernel's event queue overflowed and events were lost; any value above zero is a health problem.",
        {
          unit: "count",
          nullable: "The subsystem is unavailable.",
        },
      ),
    ],
  },
  {
    type: "system_statistics",
    title: "System statistics",
    description: "Statistics of the kernel and of the agent itself, read through libc and /proc.",
    category: "Product and service performance",
    origin: "vitrine",
    platforms: LINUX,
    producedBy: "The system collector, once per interval.",
    fields: [
      ours(
        "uptime",
        "required",
        "number",
        "Time since the kernel booted (sysinfo).",
        {
          unit: "seconds",
        },
      ),
      ...(["1m", "5m", "15m"] as const).map((window) =>
        ours(
          `load.${window}`,
          "required",
          "number",
          `Run-queue load average over ${window.replace("m", " minutes")} (sysinfo).`,
          { unit: "load" },
        )
      ),
      ours("memory.total", "required", "integer", "Usable RAM (sysinfo).", {
        unit: "bytes",
      }),
      ours("memory.free", "required", "integer", "Unused RAM (sysinfo).", {
        unit: "bytes",
      }),
      ours(
        "memory.available",
        "required",
        "integer",
        "RAM that could be given to new work without swapping (MemAvailable in /proc/meminfo).",
        { unit: "bytes", nullable: "The kernel does not report MemAvailable." },
      ),
      ours("memory.shared", "required", "integer", "Shared memory (sysinfo).", {
        unit: "bytes",
      }),
      ours(
        "memory.buffers",
        "required",
        "integer",
        "Memory used by block-device buffers (sysinfo).",
        { unit: "bytes" },
      ),
      ours("swap.total", "required", "integer", "Swap space (sysinfo).", {
        unit: "bytes",
      }),
      ours("swap.free", "required", "integer", "Unused swap space (sysinfo).", {
        unit: "bytes",
      }),
      ours(
        "processes",
        "required",
        "integer",
        "Tasks the kernel counts, threads included (sysinfo).",
        { unit: "count" },
      ),
      ours(
        "cpu.online",
        "required",
        "integer",
        "Processors online (sysconf).",
        {
          unit: "count",
        },
      ),
      ours(
        "cpu.configured",
        "required",
        "integer",
        "Processors configured (sysconf).",
        { unit: "count" },
      ),
      ours("page_size", "required", "integer", "Memory page size (sysconf).", {
        unit: "bytes",
      }),
      ours(
        "clock_ticks",
        "required",
        "integer",
        "Kernel clock ticks per second, the unit of /proc CPU times (sysconf).",
        { unit: "hertz" },
      ),
      ours("kernel.sysname", "required", "string", "Kernel name (uname)."),
      ours("kernel.release", "required", "string", "Kernel release (uname)."),
      ours(
        "kernel.version",
        "required",
        "string",
        "Kernel build string (uname).",
      ),
      ours(
        "kernel.machine",
        "required",
        "string",
        "Hardware architecture (uname).",
      ),
      ours(
        "root_fs.total",
        "required",
        "integer",
        "Size of the filesystem mounted at / (statvfs).",
        { unit: "bytes" },
      ),
      ours(
        "root_fs.free",
        "required",
        "integer",
        "Free space on / including the blocks reserved for root (statvfs).",
        { unit: "bytes" },
      ),
      ours(
        "root_fs.available",
        "required",
        "integer",
        "Free space on / that unprivileged users may use (statvfs).",
        { unit: "bytes" },
      ),
      ours(
        "root_fs.inodes_total",
        "required",
        "integer",
        "Inodes of / (statvfs).",
        { unit: "count" },
      ),
      ours(
        "root_fs.inodes_free",
        "required",
        "integer",
        "Free inodes of / (statvfs).",
        { unit: "count" },
      ),
      ours(
        "agent.cpu_user",
        "required",
        "number",
        "CPU time the agent spent in user mode since it started (getrusage).",
        { unit: "seconds" },
      ),
      ours(
        "agent.cpu_system",
        "required",
        "number",
        "CPU time the kernel spent on the agent's behalf since it started (getrusage).",
        { unit: "seconds" },
      ),
      ours(
        "agent.max_rss",
        "required",
        "integer",
        "Peak resident memory of the agent (getrusage).",
        { unit: "bytes" },
      ),
      ours(
        "agent.rss",
        "required",
        "integer",
        "Resident memory of the agent now.",
        {
          unit: "bytes",
        },
      ),
      ours(
        "filesystems[].mount_point",
        "optional",
        "string",
        "Where a real (not pseudo) filesystem is mounted (/proc/self/mountinfo).",
      ),
      ours(
        "filesystems[].fs_type",
        "optional",
        "string",
        "Filesystem type, such as ext4.",
      ),
      ours(
        "filesystems[].total",
        "optional",
        "integer",
        "Size of the filesystem (statvfs).",
        { unit: "bytes" },
      ),
      ours(
        "filesystems[].free",
        "optional",
        "integer",
        "Free space including reserved blocks (statvfs).",
        { unit: "bytes" },
      ),
      ours(
        "filesystems[].available",
        "optional",
        "integer",
        "Free space for unprivileged users (statvfs).",
        { unit: "bytes" },
      ),
      ours(
        "filesystems[].inodes_total",
        "optional",
        "integer",
        "Inodes of the filesystem (statvfs).",
        { unit: "count" },
      ),
      ours(
        "filesystems[].inodes_free",
        "optional",
        "integer",
        "Free inodes of the filesystem (statvfs).",
        { unit: "count" },
      ),
      ...CPU_TIMES.map((name) =>
        ours(
          `cpu_time.${name}`,
          "optional",
          "number",
          `CPU time all processors spent in ${name} state since boot (/proc/stat).`,
          { unit: "seconds" },
        )
      ),
      ours(
        "vmstat.[counter]",
        "optional",
        "integer",
        "One key per counter of /proc/vmstat, as the kernel names it (pages or events).",
        { unit: "count" },
      ),
      ours(
        "meminfo.[key]",
        "optional",
        "integer",
        "One key per size line of /proc/meminfo, converted from kibibytes.",
        { unit: "bytes" },
      ),
      ...PRESSURE_FIELDS,
    ],
  },
  {
    type: "diagnostic_log_upload_started",
    title: "Diagnostic log upload started",
    description: "A support log bundle was gathered, with consent, and its upload began.",
    category: "Product and service usage",
    origin: "seed",
    platforms: BOTH,
    producedBy: "`vitrine support collect`, only after consent for support logs was recorded.",
    fields: [
      seed(
        "sha256",
        "optional",
        "string",
        "SHA-256 digest of the bundle, in hex.",
      ),
      seed("size", "optional", "integer", "Size of the bundle.", {
        unit: "bytes",
      }),
      seed(
        "original_path",
        "optional",
        "string",
        "Where the bundle was written, always under the data directory's support folder.",
      ),
      seed("format", "optional", "string", "Container format of the bundle.", {
        values: ["json.gz"],
      }),
    ],
  },
  {
    type: "diagnostic_log_upload_completed",
    title: "Diagnostic log upload completed",
    description: "The upload of a support log bundle finished.",
    category: "Product and service usage",
    origin: "seed",
    platforms: BOTH,
    producedBy:
      "Never while vitrine has no upload destination: it keeps bundles local; the type is catalogued for auditing.",
    fields: [
      seed(
        "request_id",
        "optional",
        "string",
        "Identifier linking this report to the upload request.",
      ),
      seed(
        "sha256",
        "optional",
        "string",
        "SHA-256 digest of the uploaded bundle.",
      ),
      seed(
        "blob_sas_uri",
        "optional",
        "string",
        "Address the bundle was uploaded to.",
      ),
    ],
  },
  {
    type: "crash",
    title: "Unexpected agent exit",
    description:
      "The agent ended without a clean shutdown; recorded at the next start with what is known of the state it was in.",
    category: "Product and service performance",
    origin: "seed",
    platforms: BOTH,
    producedBy:
      "The agent at start, when the previous run left its running marker behind, or when it records a fatal error before exiting.",
    fields: [
      ours(
        "reason",
        "optional",
        "string",
        "How the exit was detected.",
        { values: ["fatal_error", "unclean_shutdown"] },
      ),
      ours(
        "started_at",
        "optional",
        "integer",
        "When the run that ended had started (Unix epoch).",
        { unit: "milliseconds", nullable: "Not known." },
      ),
      ours(
        "last_seen_at",
        "optional",
        "integer",
        "The last time the run was known to be alive (Unix epoch).",
        { unit: "milliseconds", nullable: "Not known." },
      ),
      ours(
        "error_message",
        "optional",
        "string",
        "The message of the fatal error.",
        {
          nullable: "No error was caught (for example the process was killed).",
        },
      ),
      ours(
        "error_stack",
        "optional",
        "string",
        "Stack of the fatal error, inside the agent's own code.",
        { nullable: "No error was caught." },
      ),
    ],
  },
  {
    type: "diagnostic_level_change",
    title: "Diagnostic level change",
    description:
      "The diagnostic level in effect changed; lowering it deletes stored optional data, and this record says how much and when.",
    category: "Privacy controls",
    origin: "vitrine",
    platforms: LINUX,
    producedBy: "The agent, whenever the level in effect changes.",
    fields: [
      ours("from_level", "required", "string", "Level before the change.", {
        values: ["required", "optional"],
      }),
      ours("to_level", "required", "string", "Level after the change.", {
        values: ["required", "optional"],
      }),
      ours("source", "required", "string", "Where the new level came from.", {
        values: ["default", "local", "managed", "fail_closed"],
      }),
      ours(
        "deleted_records",
        "required",
        "integer",
        "Stored optional records deleted because of the change.",
        { unit: "count" },
      ),
      ours(
        "deleted_at",
        "required",
        "integer",
        "When the deletion was committed (Unix epoch).",
        { unit: "milliseconds", nullable: "Nothing was deleted." },
      ),
    ],
  },
  {
    type: "support_log_consent",
    title: "Support log consent",
    description: "Consent to gather support logs was given or withdrawn.",
    category: "Privacy controls",
    origin: "vitrine",
    platforms: LINUX,
    producedBy: "`vitrine consent grant|revoke` and the dashboard's privacy page.",
    fields: [
      ours("granted", "required", "boolean", "True when consent was given."),
      ours(
        "actor",
        "required",
        "string",
        "Who gave or withdrew it, as they named themselves.",
      ),
      ours("purpose", "required", "string", "What the consent covers."),
    ],
  },
];

/** The catalogue. Bump `version` whenever a field or event changes. */
export const CATALOG: Catalog = {
  version: "2026.11.1",
  common: COMMON,
  events: EVENTS,
};
