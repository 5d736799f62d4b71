/**
 * The common fields every event carries.
 *
 * @module
 */
import { readSmallText } from "../ffi/read_regular_file.ts";
import type { Kysely } from "kysely";
import { gethostname } from "../ffi/hostname.ts";
import { readDatabaseDirectory, sigVersionOf } from "../intelligence/clamav_databases.ts";
import type { Policy } from "../policy/policy.ts";
import { getMeta, setMeta } from "../store/meta_queries.ts";
import type { Database } from "../store/schema.ts";
import denoConfig from "../deno.json" with { type: "json" };

/** The common fields, named as in the catalogue. */
export interface Identity {
  platform: "linux";
  machine_guid: string | null;
  sense_guid: string;
  org_id: string | null;
  hostname: string;
  product_guid: string;
  app_version: string;
  sig_version: string | null;
  supported_compressions: string[];
  release_ring: string;
}

/** The vitrine product identifier, the same on every installation. */
export const PRODUCT_GUID = "5e0c6f0e-7a41-4c1b-9d3e-76697472696e";

/** The agent's version, from deno.json. */
export const APP_VERSION: string = denoConfig.version;

// The key of the machine_guid hash. Fixed so that the same machine gives
// the same guid across reinstalls, while the raw machine id stays private.
const MACHINE_GUID_KEY = "vitrine machine_guid v1";

/** Formats 16 bytes as a UUID-shaped string. */
function uuidShape(bytes: Uint8Array): string {
  const hex = Array.from(
    bytes.subarray(0, 16),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20, 32)
  }`;
}

/** HMAC-SHA-256 of a machine id under the product key, UUID-shaped. */
export async function machineGuidOf(machineId: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(MACHINE_GUID_KEY),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(machineId.trim()),
  );
  return uuidShape(new Uint8Array(mac));
}

/** Reads /etc/machine-id (or the D-Bus copy) and derives machine_guid. */
export async function readMachineGuid(
  paths: readonly string[] = ["/etc/machine-id", "/var/lib/dbus/machine-id"],
): Promise<string | null> {
  for (const path of paths) {
    try {
      const read = await readSmallText(path, 4096);
      const id = read.kind === "ok" ? read.text.trim() : "";
      if (/^[0-9a-f]{32}$/i.test(id)) return await machineGuidOf(id);
    } catch {
      // Try the next location.
    }
  }
  return null;
}

/** Compression formats the runtime's CompressionStream really accepts (probed now). */
export function supportedCompressions(): string[] {
  const candidates = ["gzip", "deflate", "deflate-raw", "brotli", "zstd"];
  return candidates.filter((format) => {
    try {
      new CompressionStream(format as CompressionFormat);
      return true;
    } catch {
      return false;
    }
  });
}

/** The host name without any DNS suffix. */
export function shortHostname(): string {
  return gethostname().split(".")[0] ?? "";
}

/**
 * The supported compressions, probed once per runtime version and then
 * remembered: creating a compressor of each kind costs a process 3 MB for
 * as long as it lives.
 */
async function rememberedCompressions(db: Kysely<Database>): Promise<string[]> {
  const runtime = Deno.version.deno;
  const stored = await getMeta(db, "supported_compressions");
  if (stored) {
    const known = JSON.parse(stored) as { runtime: string; formats: string[] };
    if (known.runtime === runtime) return known.formats;
  }
  const formats = supportedCompressions();
  await setMeta(db, "supported_compressions", JSON.stringify({ runtime, formats }));
  return formats;
}

/** `identity` with the fields the policy gives (org_id, release_ring) as `policy` has them. */
export function identityUnder(identity: Identity, policy: Policy): Identity {
  return { ...identity, org_id: policy.get("orgId"), release_ring: policy.get("releaseRing") };
}

/**
 * Loads the identity of this installation, minting sense_guid the first
 * time. org_id and release_ring come from the policy.
 */
export async function loadIdentity(db: Kysely<Database>, policy: Policy): Promise<Identity> {
  let senseGuid = await getMeta(db, "sense_guid");
  if (senseGuid === undefined) {
    senseGuid = crypto.randomUUID();
    await setMeta(db, "sense_guid", senseGuid);
  }
  return {
    platform: "linux",
    machine_guid: await readMachineGuid(),
    sense_guid: senseGuid,
    org_id: policy.get("orgId"),
    hostname: shortHostname(),
    product_guid: PRODUCT_GUID,
    app_version: APP_VERSION,
    sig_version: sigVersionOf(
      await readDatabaseDirectory(policy.get("securityIntelligence.databaseDirectory")),
    ),
    supported_compressions: await rememberedCompressions(db),
    release_ring: policy.get("releaseRing"),
  };
}
