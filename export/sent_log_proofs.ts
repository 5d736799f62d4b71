/**
 * The log of what left, checked against what a backend stored, and its
 * proofs for an auditor (RFC 9162 inclusion and consistency proofs under a
 * signed tree head, in the JSON form deploy/audit/check_log_proof.py
 * reads): for `vitrine sent verify|proof|consistency|heads` and the Sent page.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { type LogKey, verifySignature } from "../identity/log_key.ts";
import { signTreeHead } from "../record/sign_tree_head.ts";
import { leafHash, toHex, treeHeadData } from "../store/merkle_tree.ts";
import type { Database } from "../store/schema.ts";
import { type LogSummary, logSummary } from "../store/summarise_sent_log.ts";
import {
  allLeaves,
  consistencyProof,
  inclusionProof,
  leavesOfEvent,
  rootHash,
  type SignedHead,
  signedHead,
  treeSize,
} from "../store/sent_log_queries.ts";
import { decodeLogsRequest } from "../uplink/otlp_decode.ts";
import { eventIdOf, leafData } from "../uplink/record_leaf.ts";
import { InputError } from "../input/input_error.ts";

/** A tree head as the proofs print it. */
function headJson(head: SignedHead): Record<string, unknown> {
  return {
    tree_size: head.treeSize,
    root_hash: toHex(head.rootHash),
    timestamp: head.timestamp,
    signature: toHex(head.signature),
  };
}

/** What `verify` found. */
export interface VerifyReport {
  ok: boolean;
  received: number;
  logged: number;
  /** Records this machine sent that the backend's files lack. */
  missing: { event_id: number; leaf_index: number }[];
  /** Records in the files this machine never sent (no such event left it). */
  fabricated: { event_id: number | null; file: string; record: number }[];
  /** Records whose event left, but not in this form. */
  altered: { event_id: number; file: string; record: number }[];
  /**
   * Records of events whose leaves were summarised (their events are gone
   * from this machine): neither confirmed nor refuted. Only they: exit 3.
   */
  unverifiable: { event_id: number; file: string; record: number }[];
  /** The first leaf the log keeps, and the events whose leaves went before it. */
  summary: { retained_from: number; events_below: number; summarised_at: number | null };
  /** Files that could not be read as OTLP logs requests. */
  unreadable: { file: string; error: string }[];
  tree_head: Record<string, unknown> & { valid: boolean; problem: string | null };
}

/** Compares the backend's stored request bodies `files` with the log; the report. */
export async function verifySent(
  db: Kysely<Database>,
  key: LogKey,
  files: readonly string[],
): Promise<VerifyReport> {
  const leaves = await allLeaves(db);
  const summary = await logSummary(db);
  const byHash = new Map(leaves.map((leaf) => [toHex(leaf.hash), leaf]));
  const events = new Set(leaves.map((leaf) => leaf.eventId));
  const seen = new Set<string>();
  const report: VerifyReport = {
    ok: false,
    received: 0,
    logged: leaves.length,
    missing: [],
    fabricated: [],
    altered: [],
    unverifiable: [],
    summary: summaryJson(summary),
    unreadable: [],
    tree_head: { valid: false, problem: null },
  };
  for (const file of files) {
    let records;
    try {
      records = decodeLogsRequest(await Deno.readFile(file));
    } catch (error) {
      report.unreadable.push({ file, error: (error as Error).message });
      continue;
    }
    records.forEach((view, record) => {
      report.received++;
      const hash = toHex(leafHash(leafData(view)));
      if (byHash.has(hash)) {
        seen.add(hash);
        return;
      }
      const eventId = eventIdOf(view);
      if (eventId !== null && events.has(eventId)) {
        report.altered.push({ event_id: eventId, file, record });
      } else if (eventId !== null && eventId < summary.eventsBelow) {
        report.unverifiable.push({ event_id: eventId, file, record });
      } else report.fabricated.push({ event_id: eventId, file, record });
    });
  }
  for (const leaf of leaves) {
    if (!seen.has(toHex(leaf.hash))) {
      report.missing.push({ event_id: leaf.eventId, leaf_index: leaf.idx });
    }
  }
  report.tree_head = await checkHead(db, key, summary);
  report.ok = report.missing.length === 0 && report.fabricated.length === 0 &&
    report.altered.length === 0 && report.unreadable.length === 0 && report.tree_head.valid;
  return report;
}

/** The summary as the reports print it. */
function summaryJson(summary: LogSummary): VerifyReport["summary"] {
  return {
    retained_from: summary.retainedFrom,
    events_below: summary.eventsBelow,
    summarised_at: summary.summarisedAt,
  };
}

/** The latest signed tree head (one signed now if the log was summarised past it), checked. */
async function checkHead(
  db: Kysely<Database>,
  key: LogKey,
  summary: LogSummary,
): Promise<VerifyReport["tree_head"]> {
  let head = await signedHead(db);
  if (!head) return { valid: true, problem: null, tree_size: 0, note: "no tree head signed yet" };
  if (head.treeSize < summary.retainedFrom) head = await signTreeHead(db, key);
  const root = await rootHash(db, head.treeSize);
  const json = { ...headJson(head), public_key: key.publicKeyHex };
  if (toHex(root) !== toHex(head.rootHash)) {
    return { ...json, valid: false, problem: "the log's root for this size is not the signed one" };
  }
  const signed = await verifySignature(
    key.publicKeyHex,
    treeHeadData(head),
    new Uint8Array(head.signature),
  );
  return signed
    ? { ...json, valid: true, problem: null }
    : { ...json, valid: false, problem: "the signature is not this machine's key's" };
}

/** A signed head covering at least `size` leaves: the latest, or one signed now. */
async function headCovering(db: Kysely<Database>, key: LogKey, size: number): Promise<SignedHead> {
  const latest = await signedHead(db);
  if (latest && latest.treeSize >= size) return latest;
  return await signTreeHead(db, key);
}

/** The inclusion proof of event `eventId`'s latest leaf. */
export async function proveInclusion(
  db: Kysely<Database>,
  key: LogKey,
  eventId: number,
): Promise<Record<string, unknown>> {
  const leaves = await leavesOfEvent(db, eventId);
  const leaf = leaves.at(-1);
  if (!leaf) {
    const summary = await logSummary(db);
    throw new InputError(
      eventId < summary.eventsBelow
        ? `Event ${eventId}'s leaf was summarised when its event was removed from this machine (the log keeps leaves from ${summary.retainedFrom} on): no inclusion proof can be made for it any more`
        : `Event ${eventId} is not in the log of what left (it was never delivered, or not yet)`,
    );
  }
  const head = await headCovering(db, key, leaf.idx + 1);
  const path = await inclusionProof(db, leaf.idx, head.treeSize);
  return {
    kind: "inclusion",
    log_public_key: key.publicKeyHex,
    tree_head: headJson(head),
    event_id: eventId,
    leaf_index: leaf.idx,
    leaf_hash: toHex(leaf.hash),
    inclusion_path: path.map(toHex),
  };
}

/** The consistency proof between the signed heads of sizes `first` and `second`. */
export async function proveConsistency(
  db: Kysely<Database>,
  key: LogKey,
  first: number,
  second: number,
): Promise<Record<string, unknown>> {
  const [a, b] = [await signedHead(db, first), await signedHead(db, second)];
  for (const [size, head] of [[first, a], [second, b]] as const) {
    if (!head) {
      throw new InputError(
        `vitrine sent consistency: no tree head of size ${size} was signed; \`vitrine sent heads\` lists those that were`,
      );
    }
  }
  if (first > second) {
    throw new InputError(`The first size (${first}) is larger than the second (${second})`);
  }
  const { retainedFrom } = await logSummary(db);
  if (first < retainedFrom) {
    throw new InputError(
      `The log keeps leaves from ${retainedFrom} on (older ones are summarised): a consistency proof starts from a head of at least that size, not ${first}`,
    );
  }
  return {
    kind: "consistency",
    log_public_key: key.publicKeyHex,
    first: headJson(a!),
    second: headJson(b!),
    consistency_path: (await consistencyProof(db, first, second)).map(toHex),
  };
}

/** Every signed tree head, oldest first, and the log's size now. */
export async function listHeads(
  db: Kysely<Database>,
  key: LogKey,
): Promise<Record<string, unknown>> {
  const rows = await db.selectFrom("sent_log_head").selectAll().orderBy("tree_size").execute();
  return {
    log_public_key: key.publicKeyHex,
    tree_size_now: await treeSize(db),
    summary: summaryJson(await logSummary(db)),
    heads: rows.map((row) =>
      headJson({
        treeSize: row.tree_size,
        rootHash: new Uint8Array(row.root_hash),
        timestamp: row.timestamp,
        signature: new Uint8Array(row.signature),
      })
    ),
  };
}
