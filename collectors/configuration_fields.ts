/**
 * Turns the policy in effect into configuration and auto-update events.
 *
 * @module
 */
import type { Fields } from "../catalog/validate_event.ts";
import type { Policy } from "../policy/resolve_policy.ts";

/** The two snapshot events taken at start and after every change. */
export interface ConfigurationSnapshot {
  configuration: Fields;
  autoUpdate: Fields;
}

/** Builds both snapshots (all tiers; the policy filter trims them later). */
export function configurationFields(policy: Policy): ConfigurationSnapshot {
  const s = policy.settings;
  const exclusions = (s["antivirusEngine.exclusions"] as Record<string, unknown>[]).map((item) => {
    if (item.$type === "excludedPath") {
      return { path: item.path, is_directory: item.isDirectory === true };
    }
    if (item.$type === "excludedFileExtension") return { extension: item.extension };
    return { name: item.name };
  });
  const configuration: Fields = {
    "antivirus_engine.enable_real_time_protection": s["antivirusEngine.enableRealTimeProtection"],
    "antivirus_engine.passive_mode": s["antivirusEngine.passiveMode"],
    "cloud_service.enabled": s["cloudService.enabled"],
    "cloud_service.timeout": s["cloudService.timeout"],
    "cloud_service.heartbeat_interval": s["cloudService.heartbeatInterval"],
    "cloud_service.service_uri": s["cloudService.serviceUri"],
    "cloud_service.diagnostic_level": s["cloudService.diagnosticLevel"],
    "cloud_service.automatic_sample_submission": s["cloudService.automaticSampleSubmissionConsent"],
    "cloud_service.automatic_definition_update_enabled":
      s["cloudService.automaticDefinitionUpdateEnabled"],
    "edr.early_preview": s["edr.earlyPreview"],
    "edr.group_id": s["edr.groupIds"],
    "edr.tags": (s["edr.tags"] as { key: string; value: string }[]).map((t) =>
      `${t.key}=${t.value}`
    ),
    connection_retry_timeout: s["connectionRetryTimeout"],
    file_hash_cache_maximum: s["fileHashCacheMaximum"],
    crash_upload_daily_limit: s["crashUploadDailyLimit"],
    "antivirus_engine.exclusions": exclusions,
    "antivirus_engine.scan_cache_maximum": s["antivirusEngine.scanCacheMaximum"],
    "antivirus_engine.maximum_scan_threads": s["antivirusEngine.maximumScanThreads"],
    "antivirus_engine.threat_restoration_exclusion_time":
      s["antivirusEngine.threatRestorationExclusionTime"],
    "antivirus_engine.threat_type_settings": Object.fromEntries(
      (s["antivirusEngine.threatTypeSettings"] as { key: string; value: string }[]).map((
        t,
      ) => [t.key, t.value]),
    ),
    "filesystem_scanner.full_scan_directory": s["filesystemScanner.fullScanDirectory"],
    "filesystem_scanner.quick_scan_directories": s["filesystemScanner.quickScanDirectories"],
    "edr.latency_mode": s["edr.latencyMode"],
    "edr.proxy_address": s["edr.proxyAddress"],
  };
  for (const [name, state] of Object.entries(s["features"] as Record<string, string>)) {
    configuration[`features.${name}`] = state === "enabled";
  }
  return {
    configuration,
    autoUpdate: {
      how_to_check: s["autoUpdate.howToCheck"],
      channel_name: s["autoUpdate.channelName"],
      manifest_server: s["autoUpdate.manifestServer"],
      update_cache: s["autoUpdate.updateCache"],
    },
  };
}
