/**
 * The audit export: a manifest, the events, and a trailer holding the
 * head of a hash chain over them. Streams from the database page by page.
 *
 * @module
 */
import { InputError } from "../input/input_error.ts";
import { CATALOG } from "../catalog/catalog.ts";
import type { Tier } from "../catalog/types.ts";
import type { Identity } from "../identity/identity.ts";
import { APP_VERSION } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { countByType, countEvents } from "../store/count_queries.ts";
import type { EventFilter } from "../store/event_queries.ts";
import { streamRawEvents } from "../store/stream_queries.ts";
import { openSnapshot, type Snapshot } from "../store/open_snapshot.ts";
import { checkIntegrity, type Store } from "../store/open_store.ts";
import { damageAdvice, StoreError } from "../store/store_error.ts";
import { canonicalJson } from "../store/canonical_json.ts";
import { eventLine, manifestLines, trailerLines } from "./export_layout.ts";
import { nextLinkOfCanonical, sha256Hex } from "./hash_chain.ts";
import { RELEASE_EVERY_CHARS, releaseGarbage } from "./_release_garbage.ts";
import { trimCHeap } from "../ffi/trim_c_heap.ts";

/** The version of the export format. */
export const EXPORT_SCHEMA_VERSION = 1;

/** The formats of the export. */
export const EXPORT_FORMATS = ["json", "ndjson"] as const;
/** A format of the export. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The format `text` names (undefined: json); an InputError when it names none. */
export function exportFormat(text: string | undefined): ExportFormat {
  const format = text ?? "json";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(
      `The export format "${format}" is not one of ${EXPORT_FORMATS.join(", ")}`,
    );
  }
  return format as ExportFormat;
}

/** What to export. */
export interface ExportOptions {
  format: ExportFormat;
  tier?: Tier;
  type?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

/** The first record of an export. */
export interface Manifest {
  export_schema_version: number;
  vitrine_version: string;
  catalog_version: string;
  catalog_sha256: string;
  exported_at: string;
  identity: Identity;
  diagnostic_level: Tier;
  tiers_exported: Tier[];
  policy: {
    managed_file: string;
    managed_state: string;
    settings: Record<string, { value: unknown; source: string }>;
  };
  filter: { tier: Tier | null; type: string | null; since: string | null; until: string | null };
  counts: { total: number; by_type: Record<string, Partial<Record<Tier, number>>> };
}

/** The last record of an export. */
export interface Trailer {
  count: number;
  manifest_sha256: string;
  chain_head: string;
}

/** Progress of a running export. */
export interface ExportProgress {
  records: number;
  total: number;
}

/** The catalogue's SHA-256 over its canonical JSON. */
export function catalogHash(): string {
  return sha256Hex(canonicalJson(CATALOG));
}

/** An export that had to stop before its end; the stream errors with it. */
export class ExportAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportAbortedError";
  }
}

/** How often the export asks whether the policy still allows what it writes. */
const POLICY_CHECK_MS = 1000;

/** At most this many records, and about this much text, per chunk handed out. */
const CHUNK_RECORDS = 100;
const CHUNK_CHARS = 1024 * 1024;

/**
 * Streams an export as text, in chunks of at most 100 records or about
 * 1 MiB (strings: encoding them is the consumer's, who may reuse one
 * buffer for it).
 *
 * The export is one snapshot of the database, taken on a connection of its
 * own when the stream starts: its counts, events and trailer agree whatever
 * the agent records, evicts or expires meanwhile, and the agent is never
 * held up by it. Every page of the snapshot is checked first: a damaged
 * database is refused (a {@linkcode StoreError}) rather than exported short. Nothing above the tier the policy allows for export is
 * read at all; when `policyNow` (asked about once a second) stops allowing
 * a tier the export holds, the stream errors with
 * {@linkcode ExportAbortedError} instead of finishing. `integrity` checks
 * the database (by default on the snapshot's connection; the agent checks
 * on another thread, so that it keeps serving meanwhile).
 */
export function exportEvents(
  store: Pick<Store, "path">,
  policy: Policy,
  identity: Identity,
  options: ExportOptions,
  onProgress?: (progress: ExportProgress) => void,
  policyNow?: () => Policy | Promise<Policy>,
  integrity: (snapshot: Snapshot) => Promise<string[]> = (snapshot) => checkIntegrity(snapshot.db),
): ReadableStream<string> {
  const filter: Omit<EventFilter, "limit" | "before" | "after"> = {
    allowed: allowedTiers(policy, "export"),
    ...(options.tier ? { tier: options.tier } : {}),
    ...(options.type ? { type: options.type } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  };
  let events: ReturnType<typeof streamRawEvents> | null = null;
  let link = "";
  let count = 0;
  let total = 0;
  let manifestHash = "";
  let finished = false;
  let snapshot: Snapshot | null = null;
  let checkedAt = Date.now();
  let sinceRelease = 0;
  const exported = () => filter.allowed.filter((t) => !options.tier || t === options.tier);
  const release = async () => {
    const open = snapshot;
    snapshot = null;
    await open?.close();
    // What the export's reading freed goes back to the system now.
    if (open) trimCHeap();
  };
  // A failure (a damaged page, a full disk) ends the stream with its error
  // and lets the snapshot go.
  const guarded = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      finished = true;
      await events?.return(undefined).catch(() => {});
      await release().catch(() => {});
      throw error;
    }
  };
  const begin = async (controller: ReadableStreamDefaultController<string>) => {
    snapshot = await openSnapshot(store.path);
    const { db } = snapshot;
    // An export of a damaged database could miss records silently: it is refused.
    const damage = await integrity(snapshot);
    if (damage.length > 0) {
      throw new StoreError(
        `The database "${store.path}" is damaged (${
          damage.join("; ").replace(/\s+/g, " ")
        }); no export is made from it. ${damageAdvice(store.path)}.`,
      );
    }
    const byType = await countByType(db, filter);
    total = await countEvents(db, filter);
    const settings: Manifest["policy"]["settings"] = {};
    for (const { key, value, source } of policy.entries()) settings[key] = { value, source };
    const manifest: Manifest = {
      export_schema_version: EXPORT_SCHEMA_VERSION,
      vitrine_version: APP_VERSION,
      catalog_version: CATALOG.version,
      catalog_sha256: catalogHash(),
      exported_at: new Date().toISOString(),
      identity,
      diagnostic_level: policy.level,
      tiers_exported: exported(),
      policy: { managed_file: policy.managedFile, managed_state: policy.managedState, settings },
      filter: {
        tier: options.tier ?? null,
        type: options.type ?? null,
        since: options.since !== undefined ? new Date(options.since).toISOString() : null,
        until: options.until !== undefined ? new Date(options.until).toISOString() : null,
      },
      counts: { total, by_type: byType },
    };
    manifestHash = sha256Hex(canonicalJson(manifest));
    link = manifestHash;
    controller.enqueue(manifestLines(options.format, JSON.stringify(manifest)));
    events = streamRawEvents(db, filter);
  };
  const page = async (controller: ReadableStreamDefaultController<string>) => {
    if (finished || events === null) return;
    if (policyNow && Date.now() - checkedAt >= POLICY_CHECK_MS) {
      checkedAt = Date.now();
      const now = allowedTiers(await policyNow(), "export");
      const withdrawn = exported().filter((tier) => !now.includes(tier));
      if (withdrawn.length > 0) {
        finished = true;
        await events.return(undefined);
        await release();
        controller.error(
          new ExportAbortedError(
            `The export was stopped after ${count} records: the policy no longer allows ${
              withdrawn.join(" and ")
            } data to be exported. Export again to get what it allows now.`,
          ),
        );
        return;
      }
    }
    // A bounded chunk per pull keeps the queue short, however large the records.
    let text = "";
    for (let i = 0; i < CHUNK_RECORDS && text.length < CHUNK_CHARS; i++) {
      const next = await events.next();
      if (next.done) {
        const trailer: Trailer = { count, manifest_sha256: manifestHash, chain_head: link };
        text += trailerLines(options.format, JSON.stringify(trailer), count);
        controller.enqueue(text);
        controller.close();
        finished = true;
        await release();
        onProgress?.({ records: count, total });
        return;
      }
      // Stored JSON is canonical already, so the record is assembled as
      // text: keys in canonical order, nothing parsed or re-serialised.
      const stored = next.value;
      const parts = (["optional", "required"] as const)
        .filter((tier) => stored.parts[tier] !== undefined)
        .map((tier) => `"${tier}":${stored.parts[tier]}`).join(",");
      const event =
        `{"common":${stored.common},"fields":{${parts}},"id":${stored.id},"time":${stored.time},"type":${
          JSON.stringify(stored.type)
        }}`;
      link = nextLinkOfCanonical(link, event);
      count++;
      text += eventLine(options.format, count, link, event);
    }
    onProgress?.({ records: count, total });
    sinceRelease += text.length;
    if (sinceRelease >= RELEASE_EVERY_CHARS) {
      sinceRelease = 0;
      releaseGarbage();
    }
    controller.enqueue(text);
  };
  return new ReadableStream<string>({
    start: (controller) => guarded(() => begin(controller)),
    pull: (controller) => guarded(() => page(controller)),
    async cancel() {
      await events?.return(undefined);
      await release();
    },
  }, { highWaterMark: 1 });
}
