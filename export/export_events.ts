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
import type { Policy } from "../policy/policy.ts";
import type { Snapshot } from "../store/open_snapshot.ts";
import type { Store } from "../store/open_store.ts";
import { canonicalJson } from "../store/canonical_json.ts";
import { sha256Hex } from "./hash_chain.ts";
import { ExportRun } from "./_export_run.ts";

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

/** How often an export asks whether the policy still allows what it writes. */
export const POLICY_CHECK_MS = 1000;

/** What an export may be told and asked while it runs. */
export interface ExportHooks {
  /** Told after each chunk how far it got. */
  onProgress?: (progress: ExportProgress) => void;
  /**
   * The policy now (asked about once a second): when it no longer allows a
   * tier the export holds, the export stops.
   */
  policyNow?: () => Policy | Promise<Policy>;
  /**
   * Checks the database for damage (by default on the snapshot's own
   * connection; the agent checks on another thread so that it keeps serving).
   */
  integrity?: (snapshot: Snapshot) => Promise<string[]>;
  /**
   * When the machine's data was last deleted at a person's request (asked
   * with the policy): an export begun before it stops, for it holds what
   * no longer exists.
   */
  deletedAt?: () => Promise<number | null>;
}

/**
 * Streams an export as text, in chunks of at most 100 records or about
 * 1 MiB (strings: encoding them is the consumer's, who may reuse one
 * buffer for it).
 *
 * The export is one snapshot of the database, taken on a connection of its
 * own when the stream starts: its counts, events and trailer agree whatever
 * the agent records, evicts or expires meanwhile, and the agent is never
 * held up by it. Every page of the snapshot is checked first: a damaged
 * database is refused (a {@linkcode StoreError}) rather than exported
 * short. Nothing above the tier the policy allows for export is read at
 * all; when `hooks.policyNow` stops allowing a tier the export holds, the
 * stream errors with {@linkcode ExportAbortedError} instead of finishing.
 * The steps are exportRun's (export/_export_run.ts).
 */
export function exportEvents(
  store: Pick<Store, "path">,
  policy: Policy,
  identity: Identity,
  options: ExportOptions,
  hooks: ExportHooks = {},
): ReadableStream<string> {
  const run = new ExportRun(store.path, policy, identity, options, hooks);
  return new ReadableStream<string>({
    start: (controller) => run.guarded(() => run.begin(controller)),
    pull: (controller) => run.guarded(() => run.page(controller)),
    cancel: () => run.cancel(),
  }, { highWaterMark: 1 });
}
