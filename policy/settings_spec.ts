/**
 * Every setting vitrine understands: its type, default, range and meaning.
 * Validation, defaults, `vitrine config` and the documentation read this,
 * and the {@linkcode Settings} type is derived from it, so that reading a
 * setting that does not exist fails the type check.
 *
 * @module
 */

import { listenAddressProblem } from "../input/listen_address.ts";

/** The type of a setting's value. */
export type SettingType =
  | { readonly kind: "boolean" }
  | { readonly kind: "integer"; readonly min: number; readonly max: number; readonly unit?: string }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | {
    readonly kind: "string";
    readonly nullable: boolean;
    readonly pattern?: RegExp;
    /** What a value matching `pattern` looks like, for messages. */
    readonly shape?: string;
    /** What is wrong with a value that matches `pattern` all the same (null: nothing). */
    readonly refine?: (value: string) => string | null;
    readonly example: string;
  }
  | { readonly kind: "strings"; readonly max: number }
  | { readonly kind: "exclusions" }
  | { readonly kind: "tags" }
  | { readonly kind: "threat_types" }
  | { readonly kind: "features" };

/** One setting. */
export interface SettingSpec {
  /** Dotted key in the settings document, such as `cloudService.enabled`. */
  readonly key: string;
  readonly type: SettingType;
  readonly default: unknown;
  /** What the setting does in vitrine. */
  readonly meaning: string;
}

/** An exclusion as the settings document writes it. */
export type ExclusionSetting =
  | { $type: "excludedPath"; path: string; isDirectory?: boolean }
  | { $type: "excludedFileExtension"; extension: string }
  | { $type: "excludedFileName"; name: string };

/** A key/value pair of `edr.tags` or `antivirusEngine.threatTypeSettings`. */
export interface KeyValueSetting {
  key: string;
  value: string;
}

/** The value a setting of type `T` holds. */
export type SettingValue<T extends SettingType> = T extends { kind: "boolean" } ? boolean
  : T extends { kind: "integer" } ? number
  : T extends { kind: "enum"; values: readonly (infer V)[] } ? V
  : T extends { kind: "string"; nullable: true } ? string | null
  : T extends { kind: "string" } ? string
  : T extends { kind: "strings" } ? readonly string[]
  : T extends { kind: "exclusions" } ? readonly ExclusionSetting[]
  : T extends { kind: "tags" | "threat_types" } ? readonly KeyValueSetting[]
  : T extends { kind: "features" } ? Readonly<Record<string, "enabled" | "disabled">>
  : never;

const boolean = { kind: "boolean" } as const;
const int = <U extends string>(min: number, max: number, unit: U) =>
  ({ kind: "integer", min, max, unit }) as const;
const oneOf = <const V extends readonly string[]>(...values: V) =>
  ({ kind: "enum", values }) as const;
const text = <N extends boolean>(
  example: string,
  nullable: N,
  pattern?: RegExp,
  shape?: string,
  refine?: (value: string) => string | null,
) =>
  ({
    kind: "string",
    nullable,
    example,
    ...(pattern ? { pattern, shape } : {}),
    ...(refine ? { refine } : {}),
  }) as const;
/**
 * An http(s) address of a host (name or bracketed IPv6), an optional port
 * and path: no user or password (secrets stay out of the policy), no query.
 */
const URI_PATTERN =
  /^https?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/[^\s?#@]*)?$/;
const URI_SHAPE = "not an http:// or https:// address of a host with an optional port and path " +
  "(no user, password, query or fragment)";
/** What the shape alone lets through: a port out of range, a host name too long. */
function uriRefinement(value: string): string | null {
  const port = /^https?:\/\/(?:[^/:\]]+|\[[^\]]*\]):(\d+)/.exec(value)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return `names port ${port}, which is not a port (1 to 65535)`;
  }
  return URL.parse(value) === null ? "not an address a URL parser accepts" : null;
}
const uri = (example: string) => text(example, true, URI_PATTERN, URI_SHAPE, uriRefinement);
const ABSOLUTE_PATH = /^\/[^\0]*$/;

/** The settings, in documentation order. */
export const SETTINGS = [
  {
    key: "cloudService.enabled",
    type: boolean,
    default: false,
    meaning:
      "Sends events to cloudService.serviceUri (OTLP) while on. Off, nothing leaves the device and the outbox is emptied at once; turning it on sends only what is recorded from then on.",
  },
  {
    key: "cloudService.diagnosticLevel",
    type: oneOf("required", "optional"),
    default: "required",
    meaning:
      "The highest tier collected, stored, shown and exported. Lowering it to required deletes stored optional data.",
  },
  {
    key: "privacy.allowDataDeletion",
    type: boolean,
    default: true,
    meaning:
      "Whether a person at this machine may delete its diagnostic data (vitrine data delete, the privacy page): every stored event, what waits to be sent, held samples and support bundles; the backend is asked to delete its copy. An administrator can turn it off.",
  },
  {
    key: "cloudService.automaticSampleSubmissionConsent",
    type: oneOf("none", "safe", "all"),
    default: "safe",
    meaning:
      "Which detected files are submitted to samples.submissionUri: none; safe, only program code whose content shows no personal data (the rest is held for a person's consent); or all.",
  },
  {
    key: "cloudService.automaticDefinitionUpdateEnabled",
    type: boolean,
    default: false,
    meaning: "Reported in configuration events; vitrine ships no security intelligence to update.",
  },
  {
    key: "cloudService.proxy",
    type: uri("http://proxy.example:3128"),
    default: null,
    meaning: "HTTP proxy through which events are sent, or null to connect directly.",
  },
  {
    key: "cloudService.serviceUri",
    type: uri("https://diagnostics.example/v1"),
    default: null,
    meaning:
      "The organisation's OTLP/HTTP endpoint (an OpenTelemetry Collector, say): events are POSTed to <serviceUri>/v1/logs. The only address vitrine sends events to.",
  },
  {
    key: "cloudService.encoding",
    type: oneOf("protobuf", "json"),
    default: "protobuf",
    meaning:
      "How events are encoded for OTLP/HTTP: protobuf, or JSON for receivers that ask for it.",
  },
  {
    key: "cloudService.tokenFile",
    type: text("/etc/vitrine/otlp.token", true, ABSOLUTE_PATH, "not an absolute path"),
    default: null,
    meaning:
      "A file holding a bearer token sent with every request (Authorization: Bearer). The secret stays in that file, never in the policy.",
  },
  {
    key: "cloudService.caFile",
    type: text("/etc/vitrine/backend-ca.pem", true, ABSOLUTE_PATH, "not an absolute path"),
    default: null,
    meaning:
      "A PEM bundle of certificate authorities trusted, in addition to the system's, for the endpoint and uploads: for a backend whose certificate a private CA signed.",
  },
  {
    key: "cloudService.clientCertificateFile",
    type: text("/etc/vitrine/client.pem", true, ABSOLUTE_PATH, "not an absolute path"),
    default: null,
    meaning:
      "The PEM certificate (chain) vitrine presents to the endpoint for mutual TLS; needs cloudService.clientKeyFile.",
  },
  {
    key: "cloudService.clientKeyFile",
    type: text("/etc/vitrine/client.key", true, ABSOLUTE_PATH, "not an absolute path"),
    default: null,
    meaning:
      "The PEM private key of cloudService.clientCertificateFile. Read like the token file and never logged; refused while anyone but its owner may read it.",
  },
  {
    key: "cloudService.timeout",
    type: int(1, 3600, "seconds"),
    default: 60,
    meaning:
      "Time limit of one request to the endpoint; a request that takes longer is abandoned and retried.",
  },
  {
    key: "cloudService.heartbeatInterval",
    type: int(5, 86400, "seconds"),
    default: 300,
    meaning:
      "Time between two heartbeat events while sending is on (recorded, then sent like any event), so that the backend can tell a quiet machine from a silent one.",
  },
  {
    key: "connectionRetryTimeout",
    type: int(1, 86400, "seconds"),
    default: 120,
    meaning:
      "The longest wait between two attempts to send: retries back off exponentially (with jitter, and no sooner than a Retry-After asks) up to this.",
  },
  {
    key: "outbox.maxRecords",
    type: int(100, 10_000_000, "parts"),
    default: 100_000,
    meaning:
      "Most event parts waiting to be sent. Beyond it the oldest go unsent, optional before required, and are counted in health.",
  },
  {
    key: "outbox.maxAgeHours",
    type: int(1, 8760, "hours"),
    default: 168,
    meaning: "Parts waiting longer than this go unsent (counted in health).",
  },
  {
    key: "watchdog.maxCpuPercent",
    type: int(1, 200, "percent of one core"),
    default: 25,
    meaning:
      "The agent's own CPU budget, averaged over 30 s. Over it the agent does less, one step a window apart: longer collection intervals, then optional collection paused, then file-activity reading paused; it resumes step by step after a minute well under. Required data is collected throughout and nothing queued is dropped.",
  },
  {
    key: "watchdog.maxRssMB",
    type: int(32, 4096, "MiB"),
    default: 192,
    meaning:
      "The agent's own resident memory budget (the least over 30 s). Over it the agent sheds work as for the CPU budget. The service's MemoryMax (256 MiB) stays the hard limit.",
  },
  {
    key: "fileHashCacheMaximum",
    type: int(0, 1_000_000, "entries"),
    default: 10000,
    meaning: "Size of the file hash cache; reported only.",
  },
  {
    key: "crashUploadDailyLimit",
    type: int(0, 1000, "reports"),
    default: 5,
    meaning: "Most crash records sent a day; further crashes that day are kept locally only.",
  },
  {
    key: "antivirusEngine.enableRealTimeProtection",
    type: boolean,
    default: true,
    meaning: "Runs the real-time file-activity subsystem (fanotify or inotify).",
  },
  {
    key: "antivirusEngine.passiveMode",
    type: boolean,
    default: true,
    meaning: "vitrine always only observes; the value is reported as set.",
  },
  {
    key: "antivirusEngine.exclusions",
    type: { kind: "exclusions" } as const,
    default: [],
    meaning:
      "Paths, extensions and names the file-activity subsystem ignores. Managed and local lists merge unless exclusionsMergePolicy is admin_only.",
  },
  {
    key: "antivirusEngine.exclusionsMergePolicy",
    type: oneOf("merge", "admin_only"),
    default: "merge",
    meaning:
      "Whether local exclusions add to the managed ones (merge) or are ignored (admin_only).",
  },
  {
    key: "antivirusEngine.maximumScanThreads",
    type: int(1, 64, "threads"),
    default: 2,
    meaning: "Thread limit; reported only.",
  },
  {
    key: "antivirusEngine.scanCacheMaximum",
    type: int(0, 1_000_000, "entries"),
    default: 10000,
    meaning: "Scan cache size; reported only.",
  },
  {
    key: "antivirusEngine.threatRestorationExclusionTime",
    type: int(0, 604800, "seconds"),
    default: 600,
    meaning: "Grace period after a quarantine restore; reported only.",
  },
  {
    key: "antivirusEngine.threatTypeSettings",
    type: { kind: "threat_types" } as const,
    default: [
      { key: "potentially_unwanted_application", value: "audit" },
      { key: "archive_bomb", value: "audit" },
    ],
    meaning: "Action per threat type (audit, block, off); reported only.",
  },
  {
    key: "filesystemScanner.fullScanDirectory",
    type: text("/", false),
    default: "/",
    meaning: "Where a full scan starts; reported only.",
  },
  {
    key: "filesystemScanner.quickScanDirectories",
    type: { kind: "strings", max: 64 } as const,
    default: ["/tmp", "/var/tmp", "/home"],
    meaning: "Directories of a quick scan; reported only.",
  },
  {
    key: "edr.groupIds",
    type: text("finance-laptops", true),
    default: null,
    meaning: "Device group; reported only.",
  },
  {
    key: "edr.tags",
    type: { kind: "tags" } as const,
    default: [],
    meaning: "Administrator labels as key/value pairs; reported only.",
  },
  {
    key: "edr.earlyPreview",
    type: boolean,
    default: false,
    meaning: "Preview features of detection and response; reported only.",
  },
  {
    key: "edr.latencyMode",
    type: oneOf("normal", "low"),
    default: "normal",
    meaning: "Latency mode; reported only.",
  },
  {
    key: "edr.proxyAddress",
    type: uri("http://proxy.example:3128"),
    default: null,
    meaning: "Proxy of detection and response; reported only.",
  },
  {
    key: "features",
    type: { kind: "features" } as const,
    default: {},
    meaning: "Preview features by name, each `enabled` or `disabled`; reported only.",
  },
  {
    key: "autoUpdate.howToCheck",
    type: oneOf("automatic", "manual"),
    default: "manual",
    meaning: "How updates are looked for; reported only (vitrine never updates itself).",
  },
  {
    key: "autoUpdate.channelName",
    type: text("production", false, /^[A-Za-z0-9_.-]{1,64}$/),
    default: "production",
    meaning: "Update channel; reported only.",
  },
  {
    key: "autoUpdate.manifestServer",
    type: uri("https://updates.example/manifest"),
    default: null,
    meaning: "Update server; reported only.",
  },
  {
    key: "autoUpdate.updateCache",
    type: text("/var/cache/vitrine", false),
    default: "/var/cache/vitrine",
    meaning: "Update download cache; reported only.",
  },
  {
    key: "orgId",
    type: text(
      "3f1c0a52-6a8e-4b1e-9a0f-0c9c1b7c2d11",
      true,
      /^[A-Za-z0-9_.:-]{1,128}$/,
    ),
    default: null,
    meaning: "Organisation identifier carried as org_id by every event.",
  },
  {
    key: "releaseRing",
    type: oneOf("production", "insider_slow", "insider_fast"),
    default: "production",
    meaning: "Release ring carried as release_ring by every event.",
  },
  {
    key: "fileActivity.paths",
    type: { kind: "strings", max: 256 } as const,
    default: ["/"],
    meaning:
      'Where file activity is counted. "/" alone lets the eBPF sensor count the whole machine; under fanotify the filesystems holding these paths are marked; under inotify each path is watched recursively ("/" then means /etc, /tmp and the home directory).',
  },
  {
    key: "fileActivity.sensor",
    type: oneOf("auto", "ebpf", "fanotify", "inotify"),
    default: "auto",
    meaning:
      "How file activity is counted: auto tries eBPF (counted inside the kernel), then fanotify, then inotify; a named sensor is used alone, and counting is unavailable when it cannot start. --prefer overrides it.",
  },
  {
    key: "fileActivity.traceLevel",
    type: oneOf("off", "error", "warning", "info", "debug"),
    default: "error",
    meaning: "How much the file-activity subsystem logs about itself.",
  },
  {
    key: "collection.systemInterval",
    type: int(5, 86400, "seconds"),
    default: 60,
    meaning: "Seconds between system statistics events.",
  },
  {
    key: "collection.fileActivityInterval",
    type: int(5, 86400, "seconds"),
    default: 60,
    meaning: "Seconds between file-activity statistics events.",
  },
  {
    key: "securityIntelligence.databaseDirectory",
    type: text("/var/lib/clamav", false, ABSOLUTE_PATH, "not an absolute path"),
    default: "/var/lib/clamav",
    meaning:
      "Where ClamAV keeps its signature databases. The daily database's version becomes sig_version on every event; a change is recorded as security_intelligence_update.",
  },
  {
    key: "securityIntelligence.freshclamConfig",
    type: text("/etc/clamav/freshclam.conf", false, ABSOLUTE_PATH, "not an absolute path"),
    default: "/etc/clamav/freshclam.conf",
    meaning: "freshclam's configuration, read only to tell whether updates go through a proxy.",
  },
  {
    key: "securityIntelligence.freshclamLog",
    type: text("/var/log/clamav/freshclam.log", false, ABSOLUTE_PATH, "not an absolute path"),
    default: "/var/log/clamav/freshclam.log",
    meaning:
      "freshclam's log, read from where it was last read on, for failed updates (recorded with status failure).",
  },
  {
    key: "securityIntelligence.checkInterval",
    type: int(1, 86400, "seconds"),
    default: 10,
    meaning:
      "Seconds between looks at the signature databases and freshclam's log (a look reads 512 bytes of a database only when it changed).",
  },
  {
    key: "samples.detectionLog",
    type: text("/var/log/clamav/clamav.log", false, ABSOLUTE_PATH, "not an absolute path"),
    default: "/var/log/clamav/clamav.log",
    meaning:
      "The log where ClamAV writes its detections (clamd's LogFile, clamonacc's or clamscan --log's), read from where it was last read on. Each \"PATH: SIGNATURE FOUND\" line is a sample_detection, decided under cloudService.automaticSampleSubmissionConsent.",
  },
  {
    key: "samples.checkInterval",
    type: int(1, 86400, "seconds"),
    default: 10,
    meaning: "Seconds between looks at the detection log.",
  },
  {
    key: "samples.submissionUri",
    type: uri("https://samples.example/upload"),
    default: null,
    meaning:
      "The organisation's sample store, the only place samples go: an Azure Blob container (with samples.sasTokenFile) or an https endpoint that takes PUT <submissionUri>/<sha256> with the bearer token of cloudService.tokenFile. Nothing is submitted while it is unset or the cloud service is off.",
  },
  {
    key: "samples.sasTokenFile",
    type: text("/etc/vitrine/samples.sas", true, ABSOLUTE_PATH, "not an absolute path"),
    default: null,
    meaning:
      "A file holding the shared access signature (the query, sv=…&sig=…) of the Azure container samples.submissionUri names. Read like the token file and never logged; its signature is redacted from every record.",
  },
  {
    key: "samples.consentExpiryDays",
    type: int(1, 365, "days"),
    default: 7,
    meaning:
      "How long a sample waits: for a person's decision when it is held, or for the sample store when it is queued. After that it is never submitted.",
  },
  {
    key: "samples.maxSizeMB",
    type: int(1, 32, "MiB"),
    default: 16,
    meaning: "The largest file submitted as a sample; a larger one stays on this machine.",
  },
  {
    key: "samples.maxDailyMB",
    type: int(1, 10240, "MiB"),
    default: 64,
    meaning:
      "The most sample bytes submitted in any 24 hours; further samples wait until the window allows them.",
  },
  {
    key: "samples.keepCopy",
    type: boolean,
    default: true,
    meaning:
      "No longer changes anything, and kept so that policies that name it stay valid: vitrine always keeps a private copy (0600, in the data directory) of the bytes ClamAV confirmed for each sample that may be submitted, and sends that copy, never the file's path read again. The copy is deleted once the sample is submitted or will never be.",
  },
  {
    key: "samples.clamdSocket",
    type: text("/run/clamav/clamd.ctl", true, ABSOLUTE_PATH, "not an absolute path"),
    default: "/run/clamav/clamd.ctl",
    meaning:
      "clamd's local socket (its LocalSocket), which vitrine asks to scan the bytes it read before it believes a detection. Where no clamd answers there (or it is null), clamscan scans them with the databases of securityIntelligence.databaseDirectory. A detection neither confirms is recorded as unconfirmed, and nothing of the file is kept or sent.",
  },
  {
    key: "retention.maxAgeDays",
    type: int(1, 3650, "days"),
    default: 30,
    meaning: "Events older than this are deleted.",
  },
  {
    key: "retention.maxSizeMB",
    type: int(16, 1_048_576, "MiB"),
    default: 256,
    meaning:
      "Most the database's data may take. Beyond it the oldest optional data is removed first, then the oldest required data, and each removal is recorded (storage_eviction). Writes never fail because of it. 256 MiB keeps the full 30 days of optional data at the default intervals (about 90 MiB) and a day and a half at one-second intervals.",
  },
  {
    key: "dashboard.listen",
    type: text(
      "127.0.0.1",
      false,
      /^[0-9A-Za-z:.]+$/,
      "not an IP address (127.0.0.1, another loopback address, ::1, an interface's address, 0.0.0.0 or ::) or localhost",
      listenAddressProblem,
    ),
    default: "127.0.0.1",
    meaning:
      "Where the dashboard and /metrics listen (what --listen takes; the flag wins): 127.0.0.1, any loopback address (127.0.0.0/8, ::1, localhost), an address of one of the machine's interfaces, or 0.0.0.0 or :: for every interface. Beyond loopback every request needs a token. Applies at the next start.",
  },
  {
    key: "dashboard.readTokenFile",
    type: text("/etc/vitrine/read.token", true, ABSOLUTE_PATH, "not an absolute path"),
    default: null,
    meaning:
      "A file holding a read-only token an administrator provisions (the same on every machine of a fleet: one scrape credential), accepted besides this installation's own read token. At least 32 printable characters; read like the token file, never logged.",
  },
] as const satisfies readonly SettingSpec[];

/** The settings in effect, by key, each with the type of its value. */
export type Settings = {
  readonly [S in (typeof SETTINGS)[number] as S["key"]]: SettingValue<S["type"]>;
};

/** The key of a setting; a misspelt one fails the type check. */
export type SettingKey = keyof Settings;

const BY_KEY: ReadonlyMap<string, SettingSpec> = new Map(SETTINGS.map((spec) => [spec.key, spec]));

/** The spec of `key`, or undefined when no such setting exists. */
export function settingSpec(key: string): SettingSpec | undefined {
  return BY_KEY.get(key);
}

/** Whether `key` names a setting. */
export function isSettingKey(key: string): key is SettingKey {
  return BY_KEY.has(key);
}
