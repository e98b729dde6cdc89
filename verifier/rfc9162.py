"""Merkle proof verification exactly as RFC 9162 sections 2.1.3.2 and 2.1.4.2 describe it.

Hashing is RFC 9162's: leaf SHA-256(0x00 || d), node SHA-256(0x01 || left || right).
Each function returns None or raises VerificationError naming what it expected
and what it computed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from verifier.errors import VerificationError

HASH_SIZE = 32


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash of `data`."""
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _check_hash_sizes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        if len(value) != HASH_SIZE:
            raise VerificationError(
                f"proof hash #{position}",
                expected=f"{HASH_SIZE} bytes",
                found=f"{len(value)} bytes",
            )


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that the leaf hash `leaf` is at `index` in the tree of `size` leaves with `root`."""
    # 1. The leaf index must fall inside the tree.
    if not 0 <= index < size:
        raise VerificationError("leaf index", expected=f"0 <= index < {size}", found=index)
    # 1b. The leaf hash and every proof hash are SHA-256 outputs.
    if len(leaf) != HASH_SIZE:
        raise VerificationError(
            "leaf hash", expected=f"{HASH_SIZE} bytes", found=f"{len(leaf)} bytes"
        )
    _check_hash_sizes(proof)
    # 2. fn is the leaf index, sn the last index of the tree.
    fn, sn = index, size - 1
    # 3. r starts as the leaf hash.
    r = leaf
    # 4. Fold each proof hash in, on the side the path bits say.
    for p in proof:
        # 4a. A proof longer than the path is invalid.
        if sn == 0:
            raise VerificationError(
                "inclusion proof length", expected="fewer hashes", found=len(proof)
            )
        # 4b. Left sibling when fn is a right child or the last node of its level.
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        # 4c. Up one level.
        fn >>= 1
        sn >>= 1
    # 5. The path must be used up and the computed root must equal the given one.
    if sn != 0:
        raise VerificationError("inclusion proof length", expected="more hashes", found=len(proof))
    if r != root:
        raise VerificationError("inclusion root", expected=root.hex(), found=r.hex())


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree (`size1`, `root1`) is a prefix of the tree (`size2`, `root2`)."""
    # 0. Sizes: the old tree cannot be larger, and a proof from the empty tree proves nothing.
    if size1 > size2:
        raise VerificationError("tree sizes", expected=f"old <= new ({size2})", found=size1)
    if size1 == 0:
        raise VerificationError("old tree size", expected="at least 1", found=0)
    if size1 == size2:
        # Equal sizes: nothing to prove; the proof must be empty and the roots equal.
        if proof:
            raise VerificationError("consistency proof", expected="no hashes", found=len(proof))
        if root1 != root2:
            raise VerificationError("root at equal sizes", expected=root1.hex(), found=root2.hex())
        return
    # 1. A proof between different sizes is never empty.
    if not proof:
        raise VerificationError("consistency proof", expected="at least one hash", found=0)
    _check_hash_sizes(proof)
    path = list(proof)
    # 2. When the old size is a power of two, the old root is the first node of the path.
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fr, sr, sn = _fold_consistency_path(size1, size2, path, len(proof))
    # 7. Both roots must match and the path must be used up.
    if sn != 0:
        raise VerificationError(
            "consistency proof length", expected="more hashes", found=len(proof)
        )
    if fr != root1:
        raise VerificationError("old root from proof", expected=root1.hex(), found=fr.hex())
    if sr != root2:
        raise VerificationError("new root from proof", expected=root2.hex(), found=sr.hex())


def _fold_consistency_path(
    size1: int, size2: int, path: Sequence[bytes], proof_length: int
) -> tuple[bytes, bytes, int]:
    """Steps 3 to 6 of RFC 9162 section 2.1.4.2: the old root, the new root and the final sn."""
    # 3. fn and sn are the last leaf indexes of the old and new trees.
    fn, sn = size1 - 1, size2 - 1
    # 4. Skip the levels where the old tree's last node is a right child.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. Both running hashes start at the first path node.
    fr = sr = path[0]
    # 6. Fold the rest into the old (fr) and new (sr) roots.
    for c in path[1:]:
        if sn == 0:
            raise VerificationError(
                "consistency proof length", expected="fewer hashes", found=proof_length
            )
        if fn & 1 or fn == sn:
            fr = _node(c, fr)
            sr = _node(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr, sr, sn
