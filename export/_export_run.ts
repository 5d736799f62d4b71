/**
 * The steps of one export (see exportEvents): a checked snapshot, the
 * manifest, the events a chunk at a time with the hash chain over them,
 * the policy asked again as it goes, the trailer, and the memory given back.
 *
 * @module
 */
import { CATALOG } from "../catalog/catalog.ts";
import type { Tier } from "../catalog/types.ts";
import { trimCHeap } from "../ffi/trim_c_heap.ts";
import { APP_VERSION, type Identity } from "../identity/identity.ts";
import type { Policy } from "../policy/policy.ts";
import { allowedTiers } from "../policy/tiers.ts";
import { canonicalJson } from "../store/canonical_json.ts";
import { countByType, countEvents } from "../store/count_queries.ts";
import type { EventFilter } from "../store/event_queries.ts";
import { openSnapshot, type Snapshot } from "../store/open_snapshot.ts";
import { checkIntegrity } from "../store/open_store.ts";
import { damageAdvice, StoreError } from "../store/store_error.ts";
import type { RawStoredEvent } from "../store/event_queries.ts";
import { streamRawEvents } from "../store/stream_queries.ts";
import { eventLine, manifestLines, trailerLines } from "./export_layout.ts";
import {
  catalogHash,
  EXPORT_SCHEMA_VERSION,
  ExportAbortedError,
  type ExportHooks,
  type ExportOptions,
  type Manifest,
  POLICY_CHECK_MS,
  type Trailer,
} from "./export_events.ts";
import { nextLinkOfCanonical, sha256Hex } from "./hash_chain.ts";
import { RELEASE_EVERY_CHARS, releaseGarbage } from "./_release_garbage.ts";

/** At most this many records, and about this much text, per chunk handed out. */
const CHUNK_RECORDS = 100;
const CHUNK_CHARS = 1024 * 1024;

type Controller = ReadableStreamDefaultController<string>;
type Filter = Omit<EventFilter, "limit" | "before" | "after">;

/** What `options` asks for, of the tiers `policy` lets be exported. */
function exportFilter(policy: Policy, options: ExportOptions): Filter {
  return {
    allowed: allowedTiers(policy, "export"),
    ...(options.tier ? { tier: options.tier } : {}),
    ...(options.type ? { type: options.type } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  };
}

/** A snapshot of the database at `path`, refused (and let go) when it is damaged. */
async function checkedSnapshot(
  path: string,
  integrity: (snapshot: Snapshot) => Promise<string[]>,
): Promise<Snapshot> {
  const snapshot = await openSnapshot(path);
  // An export of a damaged database could miss records silently: it is refused.
  const damage = await integrity(snapshot).catch(async (error) => {
    await snapshot.close();
    throw error;
  });
  if (damage.length > 0) {
    await snapshot.close();
    throw new StoreError(
      `The database "${path}" is damaged (${
        damage.join("; ").replace(/\s+/g, " ")
      }); no export is made from it. ${damageAdvice(path)}.`,
    );
  }
  return snapshot;
}

/** The manifest of an export of `filter` from `snapshot`. */
async function manifestOf(
  snapshot: Snapshot,
  filter: Filter,
  exported: Tier[],
  policy: Policy,
  identity: Identity,
  options: ExportOptions,
): Promise<Manifest> {
  const settings: Manifest["policy"]["settings"] = {};
  for (const { key, value, source } of policy.entries()) settings[key] = { value, source };
  const iso = (ms: number | undefined) => ms !== undefined ? new Date(ms).toISOString() : null;
  return {
    export_schema_version: EXPORT_SCHEMA_VERSION,
    vitrine_version: APP_VERSION,
    catalog_version: CATALOG.version,
    catalog_sha256: catalogHash(),
    exported_at: new Date().toISOString(),
    identity,
    diagnostic_level: policy.level,
    tiers_exported: exported,
    policy: { managed_file: policy.managedFile, managed_state: policy.managedState, settings },
    filter: {
      tier: options.tier ?? null,
      type: options.type ?? null,
      since: iso(options.since),
      until: iso(options.until),
    },
    counts: {
      total: await countEvents(snapshot.db, filter),
      by_type: await countByType(snapshot.db, filter),
    },
  };
}

/**
 * The canonical JSON of a stored event, assembled as text: stored JSON is
 * canonical already, so keys go in canonical order and nothing is parsed
 * or re-serialised.
 */
function canonicalRecord(stored: RawStoredEvent): string {
  const parts = (["optional", "required"] as const)
    .filter((tier) => stored.parts[tier] !== undefined)
    .map((tier) => `"${tier}":${stored.parts[tier]}`).join(",");
  return `{"common":${stored.common},"fields":{${parts}},"id":${stored.id},"time":${stored.time},"type":${
    JSON.stringify(stored.type)
  }}`;
}

/** One export under way: its snapshot, where the chain is, and how far it got. */
export class ExportRun {
  readonly #path: string;
  readonly #policy: Policy;
  readonly #identity: Identity;
  readonly #options: ExportOptions;
  readonly #hooks: ExportHooks;
  readonly #filter: Filter;
  #snapshot: Snapshot | null = null;
  #events: AsyncGenerator<RawStoredEvent> | null = null;
  #manifestHash = "";
  #link = "";
  #count = 0;
  #total = 0;
  #finished = false;
  #checkedAt = Date.now();
  readonly #startedAt = Date.now();
  #sinceRelease = 0;

  constructor(
    path: string,
    policy: Policy,
    identity: Identity,
    options: ExportOptions,
    hooks: ExportHooks,
  ) {
    this.#path = path;
    this.#policy = policy;
    this.#identity = identity;
    this.#options = options;
    this.#hooks = hooks;
    this.#filter = exportFilter(policy, options);
  }

  /** The tiers the export holds. */
  #exported(): Tier[] {
    return this.#filter.allowed.filter((t) => !this.#options.tier || t === this.#options.tier);
  }

  /** Runs `work`; a failure (a damaged page, a full disk) ends the export and lets its snapshot go. */
  async guarded(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#finished = true;
      await this.cancel().catch(() => {});
      throw error;
    }
  }

  /** The snapshot, checked; then the manifest, the first link of the chain. */
  async begin(controller: Controller): Promise<void> {
    const integrity = this.#hooks.integrity ?? ((s: Snapshot) => checkIntegrity(s.db));
    this.#snapshot = await checkedSnapshot(this.#path, integrity);
    const manifest = await manifestOf(
      this.#snapshot,
      this.#filter,
      this.#exported(),
      this.#policy,
      this.#identity,
      this.#options,
    );
    this.#total = manifest.counts.total;
    this.#manifestHash = sha256Hex(canonicalJson(manifest));
    this.#link = this.#manifestHash;
    controller.enqueue(manifestLines(this.#options.format, JSON.stringify(manifest)));
    this.#events = streamRawEvents(this.#snapshot.db, this.#filter);
  }

  /** The next chunk, or the trailer at the end; or the export stopped by a lowered policy. */
  async page(controller: Controller): Promise<void> {
    if (this.#finished || this.#events === null) return;
    if (await this.#withdrawnNow(controller)) return;
    // A bounded chunk per pull keeps the queue short, however large the records.
    let text = "";
    for (let i = 0; i < CHUNK_RECORDS && text.length < CHUNK_CHARS; i++) {
      const next = await this.#events.next();
      if (next.done) return await this.#end(controller, text);
      const record = canonicalRecord(next.value);
      this.#link = nextLinkOfCanonical(this.#link, record);
      this.#count++;
      text += eventLine(this.#options.format, this.#count, this.#link, record);
    }
    this.#hooks.onProgress?.({ records: this.#count, total: this.#total });
    this.#releaseNowAndThen(text.length);
    controller.enqueue(text);
  }

  /** Whether the policy now withholds a tier the export holds (the stream is then errored). */
  async #withdrawnNow(controller: Controller): Promise<boolean> {
    const policyNow = this.#hooks.policyNow;
    if (!policyNow || Date.now() - this.#checkedAt < POLICY_CHECK_MS) return false;
    this.#checkedAt = Date.now();
    const deletedAt = await this.#hooks.deletedAt?.();
    if (deletedAt !== undefined && deletedAt !== null && deletedAt >= this.#startedAt) {
      this.#finished = true;
      await this.cancel();
      controller.error(
        new ExportAbortedError(
          `The export was stopped after ${this.#count} records: this machine's diagnostic data was deleted while it ran. Export again to get what is stored now.`,
        ),
      );
      return true;
    }
    const now = allowedTiers(await policyNow(), "export");
    const withdrawn = this.#exported().filter((tier) => !now.includes(tier));
    if (withdrawn.length === 0) return false;
    this.#finished = true;
    await this.cancel();
    controller.error(
      new ExportAbortedError(
        `The export was stopped after ${this.#count} records: the policy no longer allows ${
          withdrawn.join(" and ")
        } data to be exported. Export again to get what it allows now.`,
      ),
    );
    return true;
  }

  /** The trailer after `text` (the last records), and the end of the stream. */
  async #end(controller: Controller, text: string): Promise<void> {
    const trailer: Trailer = {
      count: this.#count,
      manifest_sha256: this.#manifestHash,
      chain_head: this.#link,
    };
    controller.enqueue(
      text + trailerLines(this.#options.format, JSON.stringify(trailer), this.#count),
    );
    controller.close();
    this.#finished = true;
    await this.cancel();
    this.#hooks.onProgress?.({ records: this.#count, total: this.#total });
  }

  /** Collects garbage after every few megabytes of text (the export's memory stays flat). */
  #releaseNowAndThen(chars: number): void {
    this.#sinceRelease += chars;
    if (this.#sinceRelease >= RELEASE_EVERY_CHARS) {
      this.#sinceRelease = 0;
      releaseGarbage();
    }
  }

  /** Lets the events and the snapshot go; what the reading freed goes back to the system. */
  async cancel(): Promise<void> {
    await this.#events?.return(undefined).catch(() => {});
    this.#events = null;
    const open = this.#snapshot;
    this.#snapshot = null;
    await open?.close();
    if (open) trimCHeap();
  }
}
