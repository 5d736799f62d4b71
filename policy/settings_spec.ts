/**
 * Every setting vitrine understands: its type, default, range and meaning.
 * Validation, defaults, `vitrine config` and the documentation read this.
 *
 * @module
 */

/** The type of a setting's value. */
export type SettingType =
  | { kind: "boolean" }
  | { kind: "integer"; min: number; max: number; unit?: string }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "string"; nullable: boolean; pattern?: RegExp; example: string }
  | { kind: "strings"; max: number }
  | { kind: "exclusions" }
  | { kind: "tags" }
  | { kind: "threat_types" }
  | { kind: "features" };

/** One setting. */
export interface SettingSpec {
  /** Dotted key in the settings document, such as `cloudService.enabled`. */
  key: string;
  type: SettingType;
  default: unknown;
  /** What the setting does in vitrine. */
  meaning: string;
}

const int = (min: number, max: number, unit?: string): SettingType => ({
  kind: "integer",
  min,
  max,
  ...(unit ? { unit } : {}),
});
const text = (
  example: string,
  nullable = true,
  pattern?: RegExp,
): SettingType => ({
  kind: "string",
  nullable,
  example,
  ...(pattern ? { pattern } : {}),
});
const URI = /^(https?):\/\/[^\s]+$/;

/** The settings, in documentation order. */
export const SETTINGS: readonly SettingSpec[] = [
  {
    key: "cloudService.enabled",
    type: { kind: "boolean" },
    default: false,
    meaning:
      "Allows data to leave the device. vitrine has no upload path of its own; with this off, every view of what would be sent is empty.",
  },
  {
    key: "cloudService.diagnosticLevel",
    type: { kind: "enum", values: ["required", "optional"] },
    default: "required",
    meaning:
      "The highest tier collected, stored, shown and exported. Lowering it to required deletes stored optional data.",
  },
  {
    key: "cloudService.automaticSampleSubmissionConsent",
    type: { kind: "enum", values: ["none", "safe", "all"] },
    default: "safe",
    meaning:
      "Which files `vitrine sample check` admits: none, only files that cannot carry personal data, or all.",
  },
  {
    key: "cloudService.automaticDefinitionUpdateEnabled",
    type: { kind: "boolean" },
    default: false,
    meaning: "Reported in configuration events; vitrine ships no security intelligence to update.",
  },
  {
    key: "cloudService.proxy",
    type: text("http://proxy.example:3128", true, URI),
    default: null,
    meaning: "Proxy for cloud requests; reported only.",
  },
  {
    key: "cloudService.serviceUri",
    type: text("https://diagnostics.example/v1", true, URI),
    default: null,
    meaning: "Cloud endpoint; reported only, vitrine never connects to it.",
  },
  {
    key: "cloudService.timeout",
    type: int(1, 3600, "seconds"),
    default: 60,
    meaning: "Time limit of a cloud request; reported only.",
  },
  {
    key: "cloudService.heartbeatInterval",
    type: int(60, 86400, "seconds"),
    default: 300,
    meaning: "Time between heartbeats; reported only.",
  },
  {
    key: "connectionRetryTimeout",
    type: int(1, 86400, "seconds"),
    default: 120,
    meaning: "Wait before a failed cloud connection is retried; reported only.",
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
    meaning: "Most crash reports uploaded a day; reported only (vitrine keeps crashes local).",
  },
  {
    key: "antivirusEngine.enableRealTimeProtection",
    type: { kind: "boolean" },
    default: true,
    meaning: "Runs the real-time file-activity subsystem (fanotify or inotify).",
  },
  {
    key: "antivirusEngine.passiveMode",
    type: { kind: "boolean" },
    default: true,
    meaning: "vitrine always only observes; the value is reported as set.",
  },
  {
    key: "antivirusEngine.exclusions",
    type: { kind: "exclusions" },
    default: [],
    meaning:
      "Paths, extensions and names the file-activity subsystem ignores. Managed and local lists merge unless exclusionsMergePolicy is admin_only.",
  },
  {
    key: "antivirusEngine.exclusionsMergePolicy",
    type: { kind: "enum", values: ["merge", "admin_only"] },
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
    type: { kind: "threat_types" },
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
    type: { kind: "strings", max: 64 },
    default: ["/tmp", "/var/tmp", "/home"],
    meaning: "Directories of a quick scan; reported only.",
  },
  {
    key: "edr.groupIds",
    type: text("finance-laptops"),
    default: null,
    meaning: "Device group; reported only.",
  },
  {
    key: "edr.tags",
    type: { kind: "tags" },
    default: [],
    meaning: "Administrator labels as key/value pairs; reported only.",
  },
  {
    key: "edr.earlyPreview",
    type: { kind: "boolean" },
    default: false,
    meaning: "Preview features of detection and response; reported only.",
  },
  {
    key: "edr.latencyMode",
    type: { kind: "enum", values: ["normal", "low"] },
    default: "normal",
    meaning: "Latency mode; reported only.",
  },
  {
    key: "edr.proxyAddress",
    type: text("http://proxy.example:3128", true, URI),
    default: null,
    meaning: "Proxy of detection and response; reported only.",
  },
  {
    key: "features",
    type: { kind: "features" },
    default: {},
    meaning: "Preview features by name, each `enabled` or `disabled`; reported only.",
  },
  {
    key: "autoUpdate.howToCheck",
    type: { kind: "enum", values: ["automatic", "manual"] },
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
    type: text("https://updates.example/manifest", true, URI),
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
    type: {
      kind: "enum",
      values: ["production", "insider_slow", "insider_fast"],
    },
    default: "production",
    meaning: "Release ring carried as release_ring by every event.",
  },
  {
    key: "fileActivity.paths",
    type: { kind: "strings", max: 256 },
    default: ["/"],
    meaning:
      'Where file activity is counted. Under fanotify the filesystems holding these paths are marked; under inotify each path is watched recursively ("/" then means /etc, /tmp and the home directory).',
  },
  {
    key: "fileActivity.traceLevel",
    type: {
      kind: "enum",
      values: ["off", "error", "warning", "info", "debug"],
    },
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
    key: "retention.maxAgeDays",
    type: int(1, 3650, "days"),
    default: 30,
    meaning: "Events older than this are deleted.",
  },
];

/** The spec of `key`, or undefined. */
export function settingSpec(key: string): SettingSpec | undefined {
  return SETTINGS.find((spec) => spec.key === key);
}
