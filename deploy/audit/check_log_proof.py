#!/usr/bin/env python3
"""Checks a proof from `vitrine sent proof` or `vitrine sent consistency`.

An auditor's check of vitrine's log of what left a machine, written apart
from vitrine and in Python with its standard library only, from the RFCs:

  * RFC 9162 (Certificate Transparency 2.0), 2.1: the Merkle tree's hashes,
    the verification of inclusion proofs (2.1.3.2) and consistency proofs
    (2.1.4.2); 4.10: TreeHeadDataV2, the bytes a tree head's signature covers.
  * RFC 8032, 5.1.7: Ed25519 signature verification.

Usage:
  check_log_proof.py PROOF.json [--public-key HEX] [--leaf-data FILE]

--public-key: the machine's key as the auditor knows it (from its
configuration record); a proof signed by any other key is refused.
--leaf-data: the record's canonical form, to check that the proven leaf is
that record. Exits 0 when everything holds, 1 (saying what failed) when not.
"""

import hashlib
import json
import struct
import sys

# ---- RFC 9162: hashes and proofs ------------------------------------------


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf_index, tree_size, leaf, path, root):
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, proof):
    if first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def tree_head_data(head):
    """TreeHeadDataV2: uint64 timestamp, uint64 tree_size, root_hash<32..255>, no extensions."""
    root = bytes.fromhex(head["root_hash"])
    return struct.pack(">QQB", head["timestamp"], head["tree_size"], len(root)) + root + b"\x00\x00"


# ---- RFC 8032: Ed25519 verification ---------------------------------------

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
BASE_X = 15112221349535400772501151409588531511454012693041857206046113283949847762202
BASE_Y = 46316835694926478169428394003475163141307993866256225615783033603165251855960
BASE = (BASE_X, BASE_Y, 1, BASE_X * BASE_Y % P)
IDENTITY = (0, 1, 1, 0)


def point_add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    pa = (y1 - x1) * (y2 - x2) % P
    pb = (y1 + x1) * (y2 + x2) % P
    pc = t1 * 2 * D * t2 % P
    pd = z1 * 2 * z2 % P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def scalar_mult(k, point):
    result = IDENTITY
    while k > 0:
        if k & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        k >>= 1
    return result


def point_equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def point_decode(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if (v * x * x - u) % P != 0:
        if (v * x * x + u) % P != 0:
            return None
        x = x * SQRT_M1 % P
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def ed25519_verify(public_key, message, signature):
    if len(signature) != 64:
        return False
    a = point_decode(public_key)
    r = point_decode(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    left = scalar_mult(8 * s, BASE)
    right = point_add(scalar_mult(8, r), scalar_mult(8 * k, a))
    return point_equal(left, right)


# ---- the check ------------------------------------------------------------


def check_head(name, head, public_key):
    if not ed25519_verify(public_key, tree_head_data(head), bytes.fromhex(head["signature"])):
        return f"the {name}tree head's signature is not the machine key's"
    return None


def check(proof, trusted_key=None, leaf_data=None):
    """The list of what failed (empty when the proof holds)."""
    failed = []
    key_hex = proof["log_public_key"]
    if trusted_key is not None and trusted_key.lower() != key_hex.lower():
        failed.append("the proof is signed by another key than the machine's")
        return failed
    key = bytes.fromhex(key_hex)
    if proof["kind"] == "inclusion":
        head = proof["tree_head"]
        problem = check_head("", head, key)
        if problem:
            failed.append(problem)
        leaf = bytes.fromhex(proof["leaf_hash"])
        if leaf_data is not None and leaf_hash(leaf_data) != leaf:
            failed.append("the leaf is not the hash of the record given")
        path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
        if not verify_inclusion(proof["leaf_index"], head["tree_size"], leaf, path,
                                bytes.fromhex(head["root_hash"])):
            failed.append("the record is not in the signed tree (inclusion proof fails)")
    elif proof["kind"] == "consistency":
        first, second = proof["first"], proof["second"]
        for name, head in (("first ", first), ("second ", second)):
            problem = check_head(name, head, key)
            if problem:
                failed.append(problem)
        path = [bytes.fromhex(h) for h in proof["consistency_path"]]
        if not verify_consistency(first["tree_size"], second["tree_size"],
                                  bytes.fromhex(first["root_hash"]),
                                  bytes.fromhex(second["root_hash"]), path):
            failed.append("the second tree does not extend the first (consistency proof fails)")
    else:
        failed.append(f"unknown proof kind {proof['kind']!r}")
    return failed


def main(argv):
    args = list(argv[1:])
    trusted_key = None
    leaf_data = None
    if "--public-key" in args:
        i = args.index("--public-key")
        trusted_key = args[i + 1]
        del args[i:i + 2]
    if "--leaf-data" in args:
        i = args.index("--leaf-data")
        with open(args[i + 1], "rb") as f:
            leaf_data = f.read()
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        proof = json.load(f)
    failed = check(proof, trusted_key, leaf_data)
    if failed:
        for line in failed:
            print(f"FAILED: {line}")
        return 1
    print(f"OK: the {proof['kind']} proof holds under the machine's signed tree head(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
