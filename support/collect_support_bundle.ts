/**
 * Support log bundles: gathered only with recorded consent, and always cut
 * to the diagnostic level in effect, when written, when the level is
 * lowered and when read for sending.
 *
 * @module
 */
import { sha256Hex } from "../export/hash_chain.ts";
import { describeRefusal, readRegularFile, readRegularRange } from "../ffi/read_regular_file.ts";
import { writePrivateFile } from "../files/private_file.ts";
import { AGENT_LOG, dataPaths, INSTALL_LOG, logDirectory } from "../store/data_paths.ts";
import type { Tier } from "../catalog/types.ts";
import { gunzipStream, gzipStream } from "../export/gzip_stream.ts";
import type { Identity } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import type { Kysely } from "kysely";
import { type Consent, latestConsent, SUPPORT_PURPOSE } from "../store/consent_queries.ts";
import type { Database } from "../store/schema.ts";
import { listEvents } from "../store/event_queries.ts";
import type { Store } from "../store/open_store.ts";

/** Support logs were asked for without consent. */
export class ConsentRequiredError extends Error {
  /** `latest`: the latest decision on record (a withdrawal), if any. */
  constructor(latest?: Consent) {
    super(
      `${
        latest
          ? `Consent to gather support logs was withdrawn by ${latest.actor} at ${
            new Date(latest.time).toISOString()
          }`
          : "No consent to gather support logs is on record"
      }. The person responsible for this machine must grant it first: vitrine consent grant --actor NAME`,
    );
    this.name = "ConsentRequiredError";
  }
}

/** The consent in effect for support logs; throws {@linkcode ConsentRequiredError} without one. */
export async function requireSupportConsent(db: Kysely<Database>): Promise<Consent> {
  const consent = await latestConsent(db, SUPPORT_PURPOSE);
  if (!consent?.granted) throw new ConsentRequiredError(consent);
  return consent;
}

/** The support bundles (and partly written ones) in `dataDir`, by path. */
export async function supportBundleFiles(dataDir: string): Promise<string[]> {
  const { support } = dataPaths(dataDir);
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(support));
  } catch {
    return [];
  }
  return entries
    .filter((entry) => BUNDLE_NAME.test(entry.name) || entry.name.endsWith(".partial"))
    .map((entry) => `${support}/${entry.name}`);
}

/** Deletes every support bundle in `dataDir` (and partly written ones); returns how many bundles went. */
export async function deleteSupportBundles(dataDir: string): Promise<number> {
  let deleted = 0;
  for (const path of await supportBundleFiles(dataDir)) {
    await Deno.remove(path);
    if (BUNDLE_NAME.test(path.slice(path.lastIndexOf("/") + 1))) deleted++;
  }
  return deleted;
}

/** A bundle written to disk. */
export interface SupportBundle {
  path: string;
  sha256: string;
  size: number;
}

/** What a bundle holds. Every tiered part says its tier, so it can be cut. */
export interface BundleContent {
  format: "vitrine-support-bundle";
  /** The tiers the bundle holds now. */
  tiers: Tier[];
  created_at: string;
  [section: string]: unknown;
}

/** The bundles of a data directory, named with the time they were made. */
const BUNDLE_NAME = /^vitrine-support-.*\.json\.gz$/;

async function gzipJson(content: unknown): Promise<Uint8Array<ArrayBuffer>> {
  const text = new Response(JSON.stringify(content)).body!;
  return new Uint8Array(await new Response(gzipStream(text)).arrayBuffer());
}

/**
 * `content` with nothing above `tiers`: the parts of stored events and any
 * tiered section (`{tier, …}` items of an array) of a tier not allowed go.
 */
export function cutBundle(content: BundleContent, tiers: readonly Tier[]): BundleContent {
  const allowed = (tier: unknown) => tiers.includes(tier as Tier);
  const cut: BundleContent = { ...content, tiers: content.tiers.filter(allowed) };
  for (const [name, section] of Object.entries(content)) {
    if (name === "tiers" || !Array.isArray(section)) continue;
    cut[name] = section
      .filter((item) =>
        typeof item !== "object" || item === null || !("tier" in item) || allowed(item.tier)
      )
      .map((item) =>
        typeof item === "object" && item !== null && "parts" in item
          ? {
            ...item,
            parts: Object.fromEntries(
              Object.entries(item.parts as object).filter(([t]) => allowed(t)),
            ),
          }
          : item
      );
  }
  return cut;
}

/** The largest bundle read back (vitrine's hold 500 events and 1 MiB of files at most). */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** The bytes of a bundle file; anything but a regular file of ours is refused unread. */
async function bundleBytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const read = await readRegularFile(path, MAX_BUNDLE_BYTES, { noFollow: true });
  if (read.kind !== "ok") {
    throw new Error(
      `The support bundle "${path}" ${
        read.kind === "unchanged" ? "is unchanged" : describeRefusal(read)
      }`,
    );
  }
  return read.bytes;
}

/** Reads a bundle file's content. */
export async function readBundleContent(path: string): Promise<BundleContent> {
  const bytes = await bundleBytes(path);
  return JSON.parse(await new Response(gunzipStream(new Response(bytes).body!)).text());
}

/**
 * The bytes of a bundle as they may be sent now: the file itself when it
 * holds nothing above `tiers`, otherwise a copy cut to them (the file is
 * left as it is).
 */
export async function readSupportBundle(
  path: string,
  tiers: readonly Tier[],
): Promise<{ bytes: Uint8Array<ArrayBuffer>; sha256: string }> {
  const stored = await bundleBytes(path);
  const content: BundleContent = JSON.parse(
    await new Response(gunzipStream(new Response(stored).body!)).text(),
  );
  const bytes = content.tiers.every((tier) => tiers.includes(tier))
    ? stored
    : await gzipJson(cutBundle(content, tiers));
  return { bytes, sha256: sha256Hex(bytes) };
}

/**
 * Cuts every stored bundle to `tiers`. A bundle that cannot be rewritten
 * (a full disk) is deleted instead: it must not keep what the level no
 * longer allows. Returns how many were rewritten and deleted.
 */
export async function recutSupportBundles(
  dataDir: string,
  tiers: readonly Tier[],
): Promise<{ recut: number; removed: number }> {
  const { support } = dataPaths(dataDir);
  const outcome = { recut: 0, removed: 0 };
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(support));
  } catch {
    return outcome;
  }
  for (const entry of entries) {
    if (!entry.isFile) continue;
    const path = `${support}/${entry.name}`;
    if (entry.name.endsWith(".partial")) {
      await Deno.remove(path).catch(() => {});
      continue;
    }
    if (!BUNDLE_NAME.test(entry.name)) continue;
    try {
      const content = await readBundleContent(path);
      if (content.tiers.every((tier) => tiers.includes(tier))) continue;
      await writePrivateFile(path, await gzipJson(cutBundle(content, tiers)));
      outcome.recut++;
    } catch {
      await Deno.remove(path);
      outcome.removed++;
    }
  }
  return outcome;
}

/** The most of each file a bundle keeps: its end, where the latest lines are. */
const FILE_TAIL = 256 * 1024;

/** A file a bundle carries, with the tier its content belongs to. */
interface BundledFile {
  file: string;
  kind: "install log" | "agent log" | "configuration";
  tier: Tier;
  /** The end of the file, at most 256 KiB. */
  text: string;
  truncated: boolean;
}

async function bundledFile(
  file: string,
  kind: BundledFile["kind"],
  tier: Tier,
): Promise<BundledFile | null> {
  try {
    // Its end only, read without blocking: a FIFO or device is left out.
    const size = await Deno.stat(file).then((info) => info.size, () => 0);
    const read = await readRegularRange(file, Math.max(0, size - FILE_TAIL), FILE_TAIL);
    if (read.kind !== "ok") return null;
    return {
      file,
      kind,
      tier,
      text: new TextDecoder().decode(read.bytes),
      truncated: read.size > read.bytes.length,
    };
  } catch {
    return null;
  }
}

/**
 * The files the seeds' product puts in its support logs, as vitrine has
 * them: its install log and the managed configuration it uses (required:
 * they hold what install and configuration records hold), and its own log
 * (optional: messages may quote paths and errors of this machine).
 */
async function bundledFiles(policy: Policy, logDir: string | null): Promise<BundledFile[]> {
  const files = [
    logDir ? bundledFile(`${logDir}/${INSTALL_LOG}`, "install log", "required") : null,
    logDir ? bundledFile(`${logDir}/${AGENT_LOG}.1`, "agent log", "optional") : null,
    logDir ? bundledFile(`${logDir}/${AGENT_LOG}`, "agent log", "optional") : null,
    bundledFile(policy.managedFile, "configuration", "required"),
  ];
  return (await Promise.all(files)).filter((file) => file !== null);
}

/** What a bundle is gathered from besides the store: the health report, and where logs are. */
export interface BundleSources {
  /** The health report as `vitrine health` gives it (built by whoever wires this room in). */
  health: () => Promise<unknown>;
  /** The log directory (default: where the agent logs). */
  logDir?: string | null;
}

/**
 * Writes a bundle (health, the policy, the latest 500 events the policy
 * lets be shown, the install and agent logs and the managed configuration)
 * under the data directory's support folder. Throws
 * {@linkcode ConsentRequiredError} unless the latest consent decision
 * granted it. Nothing is sent: `vitrine support upload` does that.
 */
export async function collectSupportBundle(
  store: Store,
  dataDir: string,
  policy: Policy,
  identity: Identity,
  sources: BundleSources,
): Promise<SupportBundle> {
  const logDir = sources.logDir === undefined ? logDirectory() : sources.logDir;
  const consent = await requireSupportConsent(store.db);
  const { support } = dataPaths(dataDir);
  await Deno.mkdir(support, { recursive: true, mode: 0o700 });
  const tiers = allowedTiers(policy, "bundle");
  const content: BundleContent = {
    format: "vitrine-support-bundle",
    tiers,
    created_at: new Date().toISOString(),
    consent,
    identity,
    health: await sources.health(),
    events: await listEvents(store.db, { allowed: tiers, limit: 500 }),
    files: (await bundledFiles(policy, logDir)).filter((file) => tiers.includes(file.tier)),
  };
  const compressed = await gzipJson(content);
  // The time, and a few random letters so that two bundles of one moment stay two.
  const path = `${support}/vitrine-support-${content.created_at.replace(/[:.]/g, "-")}-${
    crypto.randomUUID().slice(0, 8)
  }.json.gz`;
  await writePrivateFile(path, compressed);
  return { path, sha256: sha256Hex(compressed), size: compressed.length };
}
