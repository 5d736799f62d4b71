/**
 * Support log bundles: gathered only with recorded consent, and always cut
 * to the diagnostic level in effect, when written, when the level is
 * lowered and when read for sending.
 *
 * @module
 */
import { AGENT_LOG, INSTALL_LOG, logDirectory } from "../agent/agent_log.ts";
import { dataPaths } from "../agent/data_dir.ts";
import { buildHealth } from "../agent/health.ts";
import { SUPPORT_PURPOSE } from "../agent/record_consent.ts";
import type { Tier } from "../catalog/types.ts";
import { gunzipStream, gzipStream } from "../export/gzip_stream.ts";
import type { Identity } from "../identity/identity.ts";
import { allowedTiers, type Policy } from "../policy/policy.ts";
import { latestConsent } from "../store/consent_queries.ts";
import { listEvents } from "../store/event_queries.ts";
import type { Store } from "../store/open_store.ts";

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

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
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

/** Reads a bundle file's content. */
export async function readBundleContent(path: string): Promise<BundleContent> {
  const file = await Deno.open(path);
  return JSON.parse(await new Response(gunzipStream(file.readable)).text());
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
  const content = await readBundleContent(path);
  const bytes = content.tiers.every((tier) => tiers.includes(tier))
    ? await Deno.readFile(path)
    : await gzipJson(cutBundle(content, tiers));
  return { bytes, sha256: await sha256Hex(bytes) };
}

async function writePrivately(path: string, bytes: Uint8Array): Promise<void> {
  const partial = `${path}.partial`;
  await Deno.writeFile(partial, bytes, { mode: 0o600 });
  await Deno.chmod(partial, 0o600);
  await Deno.rename(partial, path);
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
      await writePrivately(path, await gzipJson(cutBundle(content, tiers)));
      outcome.recut++;
    } catch {
      await Deno.remove(path);
      await Deno.remove(`${path}.partial`).catch(() => {});
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
    const bytes = await Deno.readFile(file);
    const tail = bytes.subarray(Math.max(0, bytes.length - FILE_TAIL));
    return {
      file,
      kind,
      tier,
      text: new TextDecoder().decode(tail),
      truncated: tail.length < bytes.length,
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
  logDir: string | null = logDirectory(),
): Promise<SupportBundle> {
  const consent = await latestConsent(store.db, SUPPORT_PURPOSE);
  if (!consent?.granted) throw new ConsentRequiredError();
  const { support } = dataPaths(dataDir);
  await Deno.mkdir(support, { recursive: true, mode: 0o700 });
  const tiers = allowedTiers(policy, "show");
  const content: BundleContent = {
    format: "vitrine-support-bundle",
    tiers,
    created_at: new Date().toISOString(),
    consent,
    identity,
    health: await buildHealth(store, dataDir, policy),
    events: await listEvents(store.db, { allowed: tiers, limit: 500 }),
    files: (await bundledFiles(policy, logDir)).filter((file) => tiers.includes(file.tier)),
  };
  const compressed = await gzipJson(content);
  const path = `${support}/vitrine-support-${content.created_at.replace(/[:.]/g, "-")}.json.gz`;
  await writePrivately(path, compressed);
  return { path, sha256: await sha256Hex(compressed), size: compressed.length };
}
