/**
 * Migrations come from static imports so `deno compile` embeds them.
 *
 * @module
 */
import type { Migration, MigrationProvider } from "kysely/migration";
import * as initial from "./migrations/2026_11_22_initial.ts";
import * as partCounts from "./migrations/2026_11_22_part_counts.ts";
import * as compactParts from "./migrations/2026_11_24_compact_parts.ts";
import * as outbox from "./migrations/2026_11_24_outbox.ts";
import * as outboxAccounting from "./migrations/2026_12_01_outbox_accounting.ts";
import * as releasePages from "./migrations/2026_12_01_release_pages.ts";
import * as samples from "./migrations/2026_12_02_samples.ts";
import * as deletionNotice from "./migrations/2026_12_07_deletion_notice.ts";
import * as sentLog from "./migrations/2026_12_07_sent_log.ts";
import * as sentLogByEvent from "./migrations/2026_12_07_sent_log_by_event.ts";

/** Supplies the migrations in the order they were written. */
export class CodeMigrationProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({
      "2026_11_22_initial": initial,
      "2026_11_22_part_counts": partCounts,
      "2026_11_24_compact_parts": compactParts,
      "2026_11_24_outbox": outbox,
      "2026_12_01_outbox_accounting": outboxAccounting,
      "2026_12_01_release_pages": releasePages,
      "2026_12_02_samples": samples,
      "2026_12_07_deletion_notice": deletionNotice,
      "2026_12_07_sent_log": sentLog,
      "2026_12_07_sent_log_by_event": sentLogByEvent,
    });
  }
}
