/**
 * Support log bundles: gathered only with recorded consent.
 *
 * @module
 */
import { dataPaths } from "../agent/data_dir.ts";
import { buildHealth } from "../agent/health.ts";
import { SUPPORT_PURPOSE } from "../agent/record_consent.ts";
import { recordEvents } from "../agent/record_events.ts";
import type { Identity } from "../identity/identity.ts";
import { allowedTiers, type Policy } from "../policy/policy.ts";
import { latestConsent } from "../store/consent_queries.ts";
import { listEvents } from "../store/event_queries.ts";
import type { Store } from "../store/open_store.ts";
import { gzipStream } from "../export/gzip_stream.ts";

/** Support logs were asked for without consent. */
export class ConsentRequiredError extends Error {
  constructor() {
    super(
      "No consent to gather support logs is on record. The person responsible for this machine must grant it first: vitrine consent grant --actor NAME",
    );
    this.name = "ConsentRequiredError";
  }
}

/** A bundle written to disk. */
export interface SupportBundle {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Writes a bundle (health, the policy, the latest 500 events the policy
 * lets be shown) under the data directory's support folder and records a
 * diagnostic_log_upload_started event. Throws {@linkcode ConsentRequiredError}
 * unless the latest consent decision granted it.
 */
export async function collectSupportBundle(
  store: Store,
  dataDir: string,
  policy: Policy,
  identity: Identity,
): Promise<SupportBundle> {
  const consent = await latestConsent(store.db, SUPPORT_PURPOSE);
  if (!consent?.granted) throw new ConsentRequiredError();
  const { support } = dataPaths(dataDir);
  await Deno.mkdir(support, { recursive: true, mode: 0o700 });
  const content = {
    created_at: new Date().toISOString(),
    consent,
    identity,
    health: await buildHealth(store, dataDir, policy),
    events: await listEvents(store.db, { allowed: allowedTiers(policy, "show"), limit: 500 }),
  };
  const text = JSON.stringify(content);
  const compressed = new Uint8Array(
    await new Response(gzipStream(new Response(text).body!)).arrayBuffer(),
  );
  const path = `${support}/vitrine-support-${content.created_at.replace(/[:.]/g, "-")}.json.gz`;
  await Deno.writeFile(path, compressed, { mode: 0o600 });
  const digest = await crypto.subtle.digest("SHA-256", compressed);
  const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  await recordEvents(store.db, identity, policy, [{
    type: "diagnostic_log_upload_started",
    fields: { sha256, size: compressed.length, original_path: path, format: "json.gz" },
  }]);
  return { path, sha256, size: compressed.length };
}
