/**
 * Turns the policy in effect into configuration and auto-update events.
 *
 * @module
 */
import type { RawEvent } from "../catalog/raw_event.ts";
import type { EventFields } from "../catalog/event_fields.ts";
import type { Policy } from "../policy/policy.ts";

/** The seed's configuration fields from the policy (all tiers; the policy filter trims them later). */
export function configurationFields(policy: Policy): EventFields["configuration"] {
  const exclusions = policy.get("antivirusEngine.exclusions").map((item) => {
    switch (item.$type) {
      case "excludedPath":
        return { path: item.path, is_directory: item.isDirectory === true };
      case "excludedFileExtension":
        return { extension: item.extension };
      case "excludedFileName":
        return { name: item.name };
    }
  });
  const fields: EventFields["configuration"] = {
    "antivirus_engine.enable_real_time_protection": policy.get(
      "antivirusEngine.enableRealTimeProtection",
    ),
    "antivirus_engine.passive_mode": policy.get("antivirusEngine.passiveMode"),
    "cloud_service.enabled": policy.get("cloudService.enabled"),
    "cloud_service.timeout": policy.get("cloudService.timeout"),
    "cloud_service.heartbeat_interval": policy.get("cloudService.heartbeatInterval"),
    "cloud_service.service_uri": policy.get("cloudService.serviceUri"),
    "cloud_service.diagnostic_level": policy.get("cloudService.diagnosticLevel"),
    "cloud_service.automatic_sample_submission": policy.get(
      "cloudService.automaticSampleSubmissionConsent",
    ),
    "cloud_service.automatic_definition_update_enabled": policy.get(
      "cloudService.automaticDefinitionUpdateEnabled",
    ),
    "edr.early_preview": policy.get("edr.earlyPreview"),
    "edr.group_id": policy.get("edr.groupIds"),
    "edr.tags": policy.get("edr.tags").map((t) => `${t.key}=${t.value}`),
    connection_retry_timeout: policy.get("connectionRetryTimeout"),
    file_hash_cache_maximum: policy.get("fileHashCacheMaximum"),
    crash_upload_daily_limit: policy.get("crashUploadDailyLimit"),
    "antivirus_engine.exclusions": exclusions,
    "antivirus_engine.scan_cache_maximum": policy.get("antivirusEngine.scanCacheMaximum"),
    "antivirus_engine.maximum_scan_threads": policy.get("antivirusEngine.maximumScanThreads"),
    "antivirus_engine.threat_restoration_exclusion_time": policy.get(
      "antivirusEngine.threatRestorationExclusionTime",
    ),
    "antivirus_engine.threat_type_settings": Object.fromEntries(
      policy.get("antivirusEngine.threatTypeSettings").map((t) => [t.key, t.value]),
    ),
    "filesystem_scanner.full_scan_directory": policy.get("filesystemScanner.fullScanDirectory"),
    "filesystem_scanner.quick_scan_directories": policy.get(
      "filesystemScanner.quickScanDirectories",
    ),
    "edr.latency_mode": policy.get("edr.latencyMode"),
    "edr.proxy_address": policy.get("edr.proxyAddress"),
  };
  for (const [name, state] of Object.entries(policy.get("features"))) {
    fields[`features.${name}`] = state === "enabled";
  }
  return fields;
}

/** The two snapshot events taken at start and after every change. */
export function configurationEvents(policy: Policy, logPublicKey: string | null): RawEvent[] {
  return [
    {
      type: "configuration",
      fields: { ...configurationFields(policy), log_public_key: logPublicKey },
    },
    {
      type: "auto_update_configuration",
      fields: {
        how_to_check: policy.get("autoUpdate.howToCheck"),
        channel_name: policy.get("autoUpdate.channelName"),
        manifest_server: policy.get("autoUpdate.manifestServer"),
        update_cache: policy.get("autoUpdate.updateCache"),
      },
    },
  ];
}

/** Records a configuration snapshot whenever the policy in effect differs from the last recorded. */
export class ConfigurationSnapshots {
  /** The signature of the policy recorded last. */
  #recorded = "";
  readonly #logPublicKey: string | null;

  /** Snapshots carry `logPublicKey`, the key that signs the log of what left. */
  constructor(logPublicKey: string | null) {
    this.#logPublicKey = logPublicKey;
  }

  /** Records `policy`'s snapshot with `record`, unless it is the one recorded last. */
  async record(policy: Policy, record: (events: RawEvent[]) => Promise<unknown>): Promise<void> {
    const signature = policy.signature();
    if (signature === this.#recorded) return;
    await record(configurationEvents(policy, this.#logPublicKey));
    this.#recorded = signature;
  }
}
