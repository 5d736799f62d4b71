/**
 * Support log bundles: gathered only with recorded consent, and always cut
 * to the diagnostic level in effect, when written, when the level is
 * lowered and when read for sending.
 *
 * @module
 */
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

/**
 * Writes a bundle (health, the policy, the latest 500 events the policy
 * lets be shown) under the data directory's support folder. Throws
 * {@linkcode ConsentRequiredError} unless the latest consent decision
 * granted it. Nothing is sent: `vitrine support upload` does that.
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
  const tiers = allowedTiers(policy, "show");
  const content: BundleContent = {
    format: "vitrine-support-bundle",
    tiers,
    created_at: new Date().toISOString(),
    consent,
    identity,
    health: await buildHealth(store, dataDir, policy),
    events: await listEvents(store.db, { allowed: tiers, limit: 500 }),
  };
  const compressed = await gzipJson(content);
  const path = `${support}/vitrine-support-${content.created_at.replace(/[:.]/g, "-")}.json.gz`;
  await writePrivately(path, compressed);
  return { path, sha256: await sha256Hex(compressed), size: compressed.length };
}
