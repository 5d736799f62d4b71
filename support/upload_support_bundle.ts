/**
 * Sends a support log bundle to a pre-signed URL, only with consent and cut
 * to the level in effect, and records what happened: started before the
 * first byte, then completed (with the service's request id and the address
 * with its credentials redacted) or failed, never both.
 *
 * @module
 */
import { InputError } from "../input/input_error.ts";
import { dataPaths } from "../store/data_paths.ts";
import { recordEvents } from "../record/record_events.ts";
import type { Identity } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import type { Store } from "../store/open_store.ts";
import { redactUploadUrl, uploadBlob, UploadError } from "../uplink/blob_upload.ts";
import { readTlsFiles } from "../uplink/credentials.ts";
import { Redactor } from "../uplink/redact.ts";
import {
  type BundleSources,
  collectSupportBundle,
  readSupportBundle,
  requireSupportConsent,
} from "./collect_support_bundle.ts";

/** What to upload, and where. */
export interface UploadRequest {
  /** The pre-signed URL, already checked (see checkUploadUrl). */
  url: URL;
  /** A bundle under the support folder; a fresh one is gathered when absent. */
  bundle?: string;
  /** Where a fresh bundle's health and logs come from. */
  sources: BundleSources;
  /** Bundles above this size go in blocks; for tests of large bundles. */
  singleShotBytes?: number;
  blockBytes?: number;
}

/** A finished upload. */
export interface UploadReceipt {
  uploadId: string;
  path: string;
  size: number;
  sha256: string;
  requestId: string | null;
  /** The address as recorded: credentials redacted. */
  blobSasUri: string;
}

/** The bundle to send: the one named (it must be in the support folder), or a fresh one. */
async function bundlePath(
  store: Store,
  dataDir: string,
  policy: Policy,
  identity: Identity,
  named: string | undefined,
  sources: BundleSources,
): Promise<string> {
  if (named === undefined) {
    return (await collectSupportBundle(store, dataDir, policy, identity, sources)).path;
  }
  const { support } = dataPaths(dataDir);
  let real: string;
  try {
    real = await Deno.realPath(named);
  } catch {
    throw new InputError(`The bundle "${named}" does not exist`);
  }
  const folder = await Deno.realPath(support).catch(() => support);
  if (!real.startsWith(`${folder}/`) || !/\/vitrine-support-[^/]*\.json\.gz$/.test(real)) {
    throw new InputError(
      `The bundle "${named}" is not a support bundle in ${support}; only bundles vitrine gathered are sent`,
    );
  }
  return real;
}

/**
 * Uploads a bundle under `request`. Throws {@linkcode ConsentRequiredError}
 * without consent (nothing is gathered or sent), an InputError for a bundle
 * that is not one of ours, and {@linkcode UploadError} when the upload
 * fails (after recording the failure).
 */
export async function uploadSupportBundle(
  store: Store,
  dataDir: string,
  policy: Policy,
  identity: Identity,
  request: UploadRequest,
): Promise<UploadReceipt> {
  await requireSupportConsent(store.db);
  const path = await bundlePath(store, dataDir, policy, identity, request.bundle, request.sources);
  const { bytes, sha256 } = await readSupportBundle(path, allowedTiers(policy, "bundle"));
  const link = { upload_id: crypto.randomUUID(), destination_host: request.url.host };
  await recordEvents(store.db, identity, policy, [{
    type: "diagnostic_log_upload_started",
    fields: { ...link, sha256, size: bytes.length, original_path: path, format: "json.gz" },
  }]);
  let requestId: string | null;
  try {
    ({ requestId } = await uploadBlob(request.url, bytes, {
      timeoutMs: policy.get("cloudService.timeout") * 1000,
      proxy: policy.get("cloudService.proxy"),
      tls: await readTlsFiles(policy),
      ...(request.singleShotBytes ? { singleShotBytes: request.singleShotBytes } : {}),
      ...(request.blockBytes ? { blockBytes: request.blockBytes } : {}),
    }));
  } catch (error) {
    // Whatever failed, its words pass through the redactor before they are kept.
    const redactor = new Redactor(request.url);
    const failure = error instanceof UploadError
      ? error
      : new UploadError((error as Error).message, null, redactor);
    await recordEvents(store.db, identity, policy, [{
      type: "diagnostic_log_upload_failed",
      fields: { ...link, error: redactor.redact(failure.message), status: failure.status, sha256 },
    }]);
    throw failure;
  }
  const blobSasUri = redactUploadUrl(request.url);
  await recordEvents(store.db, identity, policy, [{
    type: "diagnostic_log_upload_completed",
    fields: { ...link, request_id: requestId, sha256, blob_sas_uri: blobSasUri },
  }]);
  return { uploadId: link.upload_id, path, size: bytes.length, sha256, requestId, blobSasUri };
}
