/**
 * The order and hash chain of an export's records: one manifest, then
 * events along the chain, then the trailer that closes it.
 *
 * @module
 */
import { canonicalJson } from "../store/canonical_json.ts";
import type { Trailer } from "./export_events.ts";
import { nextLink, sha256Hex } from "./hash_chain.ts";

/** Where a problem is: the record number (0 = manifest) and what is wrong. */
export interface Problem {
  record: number;
  message: string;
}

/** What verification reads of a manifest. */
export interface ManifestSummary {
  counts: { total: number };
  catalog_version: string;
  catalog_sha256: string;
  exported_at: string;
}

/** Checks the records in order: one manifest, then events along the hash chain, then the trailer. */
export class ChainCheck {
  records = 0;
  ended = false;
  manifest: ManifestSummary | null = null;
  #link = "";
  #manifestHash = "";

  get head(): string {
    return this.#link;
  }

  /** The next record's problem, or null when it fits. */
  check(record: Record<string, unknown>): Problem | null {
    const next = this.records + 1;
    if (this.ended) return { record: next, message: "Content follows the trailer" };
    if (record.record === "manifest") {
      if (this.manifest !== null) {
        return { record: next, message: "A second manifest appears inside the export" };
      }
      this.manifest = record.manifest as ManifestSummary;
      this.#manifestHash = sha256Hex(canonicalJson(record.manifest));
      this.#link = this.#manifestHash;
      return null;
    }
    if (this.manifest === null) {
      return { record: 0, message: "The export has no manifest before its records" };
    }
    return record.record === "event" ? this.#event(record, next) : this.#trailer(record);
  }

  #event(record: Record<string, unknown>, expected: number): Problem | null {
    if (record.seq !== expected) {
      return {
        record: expected,
        message:
          `Record ${expected} carries sequence number ${record.seq}: a record was removed, added or moved here`,
      };
    }
    this.#link = nextLink(this.#link, record.event);
    if (record.hash !== this.#link) {
      return {
        record: expected,
        message: expected === 1
          ? "Record 1 does not match its hash: it or the manifest was changed"
          : `Record ${expected} does not match its hash: it was changed, or the records before it were altered`,
      };
    }
    this.records = expected;
    return null;
  }

  #trailer(record: Record<string, unknown>): Problem | null {
    const trailer = record.trailer as Trailer;
    this.ended = true;
    const at = (message: string) => ({ record: this.records, message });
    if (trailer.manifest_sha256 !== this.#manifestHash) {
      return {
        record: 0,
        message: "The manifest was changed: its hash differs from the one in the trailer",
      };
    }
    if (trailer.count !== this.records) {
      return at(`The trailer counts ${trailer.count} records but the export holds ${this.records}`);
    }
    if (this.manifest!.counts.total !== this.records) {
      return at(
        `The manifest announces ${
          this.manifest!.counts.total
        } records but the export holds ${this.records}`,
      );
    }
    if (trailer.chain_head !== this.#link) {
      return at("The trailer's chain head does not match the records");
    }
    return null;
  }

  /** The problem of an export that ended here, or null when it was complete. */
  finish(): Problem | null {
    if (this.manifest === null) {
      return { record: 0, message: "The file is empty or has no manifest" };
    }
    if (!this.ended) {
      return {
        record: this.records + 1,
        message:
          `The export ends after record ${this.records} without its trailer: it was truncated`,
      };
    }
    return null;
  }
}
