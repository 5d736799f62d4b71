/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1:
 * leaf and node hashes with SHA-256 and domain separation (0x00 for a
 * leaf, 0x01 for a node), the tree head of any size, inclusion and
 * consistency proofs, and their verification, as the RFC sets them out. The
 * log of what left this machine is such a tree; the signed tree head is
 * RFC 9162's TreeHeadDataV2 (section 4.10), signed with Ed25519.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A hash of the tree: 32 bytes. */
export type Hash = Uint8Array;

/** MTH of one entry: SHA-256(0x00 || leaf data). */
export function leafHash(data: Uint8Array): Hash {
  return createHash("sha256").update(new Uint8Array([0])).update(data).digest();
}

/** An interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash("sha256").update(new Uint8Array([1])).update(left).update(right).digest();
}

/** The hash of the empty tree: SHA-256 of nothing. */
export function emptyRoot(): Hash {
  return createHash("sha256").digest();
}

/** The largest power of two smaller than `n` (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The hash of the leaves [start, end) of a tree, however a store finds it. */
export type SubtreeHash = (start: number, end: number) => Promise<Hash>;

/** MTH(D[start:end]) from leaf hashes, by the RFC's recursion (for stores that keep only leaves, and tests). */
export function mthOfLeaves(leaves: readonly Hash[], start = 0, end = leaves.length): Hash {
  const n = end - start;
  if (n === 0) return emptyRoot();
  if (n === 1) return leaves[start]!;
  const k = splitPoint(n);
  return nodeHash(mthOfLeaves(leaves, start, start + k), mthOfLeaves(leaves, start + k, end));
}

/** PATH(m, D[start:end]): the inclusion proof of leaf `m` (an index within the range), RFC 9162 2.1.3.1. */
export async function inclusionPath(
  m: number,
  start: number,
  end: number,
  mth: SubtreeHash,
): Promise<Hash[]> {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...await inclusionPath(m, start, start + k, mth), await mth(start + k, end)];
  return [...await inclusionPath(m - k, start + k, end, mth), await mth(start, start + k)];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true): the consistency proof from size `m` to `n`, RFC 9162 2.1.4.1. */
export function consistencyPath(m: number, n: number, mth: SubtreeHash): Promise<Hash[]> {
  if (m > n) throw new RangeError(`a tree of ${m} leaves cannot be older than one of ${n}`);
  // The empty tree is consistent with every tree: there is nothing to prove.
  if (m === 0) return Promise.resolve([]);
  return subproof(m, 0, n, true, mth);
}

async function subproof(
  m: number,
  start: number,
  end: number,
  complete: boolean,
  mth: SubtreeHash,
): Promise<Hash[]> {
  const n = end - start;
  if (m === n) return complete ? [] : [await mth(start, end)];
  const k = splitPoint(n);
  if (m <= k) {
    return [...await subproof(m, start, start + k, complete, mth), await mth(start + k, end)];
  }
  return [...await subproof(m - k, start + k, end, false, mth), await mth(start, start + k)];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Verifies an inclusion proof, RFC 9162 2.1.3.2. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leaf: Hash,
  path: readonly Hash[],
  root: Hash,
): boolean {
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

/** Verifies a consistency proof between the trees of sizes `first` and `second`, RFC 9162 2.1.4.2. */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (first > second) return false;
  if (first === second) return proof.length === 0 && equalBytes(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  // A first tree that is a complete subtree is its own first node.
  if ((first & (first - 1)) === 0) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot) && sn === 0;
}

/** A tree head: the size, the root and when it was made (ms since the epoch). */
export interface TreeHead {
  treeSize: number;
  rootHash: Hash;
  timestamp: number;
}

/**
 * TreeHeadDataV2 in TLS presentation (RFC 9162 4.10), what is signed:
 * uint64 timestamp, uint64 tree_size, opaque root_hash<32..2^8-1> (one
 * length byte), Extension extensions<0..2^16-1> (none: two zero bytes).
 */
export function treeHeadData(head: TreeHead): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8 + 8 + 1 + head.rootHash.length + 2);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(head.timestamp));
  view.setBigUint64(8, BigInt(head.treeSize));
  bytes[16] = head.rootHash.length;
  bytes.set(head.rootHash, 17);
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Hex of `bytes` (by table: it runs for every record sent). */
export function toHex(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += HEX[bytes[i]!];
  return text;
}

/** Bytes of hex `text`; throws on anything else. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-f]{2})*$/i.test(text)) throw new Error(`"${text.slice(0, 20)}…" is not hex`);
  return new Uint8Array(text.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
}
