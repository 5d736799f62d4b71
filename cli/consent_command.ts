/**
 * `vitrine consent` and `vitrine support`: consent for support logs, and
 * gathering them.
 *
 * @module
 */
import { InputError } from "../input/input_error.ts";
import { recordConsent } from "../record/record_consent.ts";
import { latestConsent, SUPPORT_PURPOSE } from "../store/consent_queries.ts";
import {
  type BundleSources,
  collectSupportBundle,
  ConsentRequiredError,
  deleteSupportBundles,
} from "../support/collect_support_bundle.ts";
import { buildHealth } from "../agent/health.ts";
import { dataPaths } from "../store/data_paths.ts";
import { type OpenData, openDataFromFlags } from "./open_data.ts";
import { commandFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Help text of consent. */
export const CONSENT_HELP = `vitrine consent: consent to gather support logs

Usage:
  vitrine consent grant --actor NAME    record that NAME agrees
  vitrine consent revoke --actor NAME   record that NAME withdraws it
  vitrine consent show                  the latest decision

Flags: --data-dir DIR, --managed-config FILE`;

/** Help text of support. */
export const SUPPORT_HELP = `vitrine support: gather and send support log bundles

Usage:
  vitrine support collect              gather a bundle under DATA_DIR/support
  vitrine support upload --url URL [--bundle FILE]
                                       send a bundle to a pre-signed URL

Both are refused unless consent was granted (vitrine consent grant). A
bundle holds health, the policy in effect and the latest 500 events, cut to
the diagnostic level in effect (again when it is sent).

upload sends a fresh bundle, or FILE (a bundle under DATA_DIR/support), by
HTTP PUT to URL: an Azure Blob SAS URI (block uploads for large bundles) or
any pre-signed URL that accepts PUT (S3). URL must be https unless it
points at this machine. vitrine records diagnostic_log_upload_started
before sending and diagnostic_log_upload_completed (with the service's
request id and the URL with its signature redacted) after success, or
diagnostic_log_upload_failed. cloudService.proxy and cloudService.timeout
apply.

Flags: --data-dir DIR, --managed-config FILE`;

/** Runs `vitrine consent`. */
export async function consentCommand(args: string[]): Promise<number> {
  const flags = commandFlags("consent", args, CONSENT_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  const [action] = positionals;
  if (!["grant", "revoke", "show"].includes(action ?? "") || positionals.length !== 1) {
    throw new UsageError("vitrine consent: expected `grant`, `revoke` or `show`");
  }
  if (action !== "show" && values.actor === undefined) {
    throw new UsageError(
      `vitrine consent ${action}: --actor NAME is required (who decides, up to 200 characters)`,
    );
  }
  const data = await openDataFromFlags(values);
  try {
    if (action === "show") {
      console.log(
        JSON.stringify((await latestConsent(data.store.db, SUPPORT_PURPOSE)) ?? null, null, 2),
      );
      return 0;
    }
    const result = await recordConsent(data.store.db, data.identity, data.policy, {
      granted: action === "grant",
      actor: values.actor ?? "",
    }, () => deleteSupportBundles(data.dataDir));
    if (!result.ok) throw new UsageError(`vitrine consent ${action}: --actor: ${result.message}`);
    const { consent } = result;
    console.log(
      `Consent for support logs ${consent.granted ? "granted" : "withdrawn"} by ${consent.actor}.${
        result.bundlesDeleted === null
          ? ""
          : ` ${result.bundlesDeleted} support bundle(s) gathered under it were deleted.`
      }`,
    );
    return 0;
  } finally {
    await data.store.close();
  }
}

/** Runs `vitrine support`. */
export async function supportCommand(args: string[]): Promise<number> {
  const flags = commandFlags("support", args, SUPPORT_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  const [action] = positionals;
  if (positionals.length !== 1 || (action !== "collect" && action !== "upload")) {
    throw new UsageError("vitrine support: expected `collect` or `upload --url URL`");
  }
  let url: URL | undefined;
  if (action === "upload") {
    if (values.url === undefined) {
      throw new UsageError("vitrine support upload: --url URL is required (a pre-signed URL)");
    }
    const { checkUploadUrl } = await import("../uplink/blob_upload.ts");
    try {
      url = checkUploadUrl(values.url);
    } catch (error) {
      throw new UsageError(`vitrine support upload: ${(error as Error).message}`);
    }
  } else if (values.url !== undefined || values.bundle !== undefined) {
    throw new UsageError("vitrine support collect: --url and --bundle belong to `upload`");
  }
  const data = await openDataFromFlags(values);
  try {
    if (url) return await upload(data, url, values.bundle);
    const bundle = await collectSupportBundle(
      data.store,
      data.dataDir,
      data.policy,
      data.identity,
      bundleSources(data),
    );
    console.log(
      `Support bundle written to ${bundle.path} (${bundle.size} bytes, sha256 ${bundle.sha256}).`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConsentRequiredError) {
      console.error(`vitrine support: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await data.store.close();
  }
}

/** What a bundle gathered by a command holds besides the store: the health report. */
function bundleSources(data: OpenData): BundleSources {
  return {
    health: () => buildHealth(data.store, data.dataDir, data.policy, undefined, data.notes),
  };
}

async function upload(data: OpenData, url: URL, bundle: string | undefined): Promise<number> {
  const [{ uploadSupportBundle }, { UploadError }] = await Promise.all([
    import("../support/upload_support_bundle.ts"),
    import("../uplink/blob_upload.ts"),
  ]);
  try {
    const receipt = await uploadSupportBundle(
      data.store,
      data.dataDir,
      data.policy,
      data.identity,
      {
        url,
        sources: bundleSources(data),
        ...(bundle === undefined ? {} : { bundle }),
      },
    );
    console.log(
      `Support bundle ${receipt.path} (${receipt.size} bytes, sha256 ${receipt.sha256}) uploaded to ${receipt.blobSasUri}${
        receipt.requestId ? ` (request id ${receipt.requestId})` : ""
      }.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      throw new UsageError(`vitrine support upload: ${error.message}`);
    }
    if (error instanceof UploadError) {
      console.error(
        `vitrine support upload: the upload failed and was recorded as such: ${error.message}. The bundle stays in ${
          dataPaths(data.dataDir).support
        }; try again with --bundle once the URL works.`,
      );
      return 1;
    }
    throw error;
  }
}
