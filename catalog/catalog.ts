/**
 * The catalogue of diagnostic events and their fields, written once.
 *
 * Names and tiers of the fields marked `origin: "seed"` follow the two
 * privacy pages in shared/seeds exactly; descriptions are our own. Fields
 * marked `origin: "vitrine"` are ours. Each event lives in its own file
 * under events/; this file assembles them. Validation, the policy filter,
 * the dashboard, the export schema, forwarding and metrics all read it.
 *
 * @module
 */
import { COMMON_FIELDS } from "./common_fields.ts";
import { AUTO_UPDATE_CONFIGURATION_EVENT } from "./events/auto_update_configuration.ts";
import { CONFIGURATION_EVENT } from "./events/configuration.ts";
import { CRASH_EVENT } from "./events/crash.ts";
import { DIAGNOSTIC_LEVEL_CHANGE_EVENT } from "./events/diagnostic_level_change.ts";
import { DIAGNOSTIC_LOG_UPLOAD_COMPLETED_EVENT } from "./events/diagnostic_log_upload_completed.ts";
import { DIAGNOSTIC_LOG_UPLOAD_FAILED_EVENT } from "./events/diagnostic_log_upload_failed.ts";
import { DIAGNOSTIC_LOG_UPLOAD_STARTED_EVENT } from "./events/diagnostic_log_upload_started.ts";
import { HEARTBEAT_EVENT } from "./events/heartbeat.ts";
import { INSTALL_EVENT } from "./events/install.ts";
import { KERNEL_STATISTICS_EVENT } from "./events/kernel_statistics.ts";
import { SAMPLE_DECISION_EVENT } from "./events/sample_decision.ts";
import { SAMPLE_DETECTION_EVENT } from "./events/sample_detection.ts";
import { SAMPLE_SUBMISSION_COMPLETED_EVENT } from "./events/sample_submission_completed.ts";
import { SAMPLE_SUBMISSION_FAILED_EVENT } from "./events/sample_submission_failed.ts";
import { SAMPLE_SUBMISSION_STARTED_EVENT } from "./events/sample_submission_started.ts";
import { SECURITY_INTELLIGENCE_UPDATE_EVENT } from "./events/security_intelligence_update.ts";
import { STORAGE_EVICTION_EVENT } from "./events/storage_eviction.ts";
import { SUPPORT_LOG_CONSENT_EVENT } from "./events/support_log_consent.ts";
import { DIAGNOSTIC_DATA_DELETION_EVENT } from "./events/diagnostic_data_deletion.ts";
import { SYSTEM_STATISTICS_EVENT } from "./events/system_statistics.ts";
import { WATCHDOG_ACTION_EVENT } from "./events/watchdog_action.ts";
import type { Catalog } from "./types.ts";

/** The event types, in the order the dashboard and the export list them. */
export const EVENTS = [
  INSTALL_EVENT,
  CONFIGURATION_EVENT,
  AUTO_UPDATE_CONFIGURATION_EVENT,
  SECURITY_INTELLIGENCE_UPDATE_EVENT,
  KERNEL_STATISTICS_EVENT,
  SYSTEM_STATISTICS_EVENT,
  DIAGNOSTIC_LOG_UPLOAD_STARTED_EVENT,
  DIAGNOSTIC_LOG_UPLOAD_COMPLETED_EVENT,
  DIAGNOSTIC_LOG_UPLOAD_FAILED_EVENT,
  CRASH_EVENT,
  DIAGNOSTIC_LEVEL_CHANGE_EVENT,
  SUPPORT_LOG_CONSENT_EVENT,
  DIAGNOSTIC_DATA_DELETION_EVENT,
  STORAGE_EVICTION_EVENT,
  WATCHDOG_ACTION_EVENT,
  HEARTBEAT_EVENT,
  SAMPLE_DETECTION_EVENT,
  SAMPLE_DECISION_EVENT,
  SAMPLE_SUBMISSION_STARTED_EVENT,
  SAMPLE_SUBMISSION_COMPLETED_EVENT,
  SAMPLE_SUBMISSION_FAILED_EVENT,
] as const;

/** The name of an event type; a misspelt one fails the type check. */
export type EventType = (typeof EVENTS)[number]["type"];

/** Every event type name. */
export const EVENT_TYPES: readonly EventType[] = EVENTS.map((event) => event.type);

/** The catalogue. Bump `version` whenever a field or event changes. */
export const CATALOG: Catalog = {
  version: "2026.12.7.4",
  common: COMMON_FIELDS,
  events: EVENTS,
};
