"""Checking RFC 9162 inclusion and consistency proofs (sections 2.1.3.2 and 2.1.4.2).

The server uses these to check its own store (`bodycam-guard verify`) and auditors'
older checkpoints; `verifier/rfc9162.py` is the independent second implementation
auditors run. Each function returns None or raises IntegrityError saying what was
expected and what was found.
"""

from __future__ import annotations

from collections.abc import Sequence

from bodycam_guard.domain.errors import IntegrityError
from bodycam_guard.domain.merkle import HASH_SIZE, node_hash


def _check_sizes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        if len(value) != HASH_SIZE:
            raise IntegrityError(
                f"proof hash #{position}: expected {HASH_SIZE} bytes, found {len(value)}"
            )


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that leaf hash `leaf` at `index` and `proof` climb to in a tree of `size`."""
    # 1. The index must fall inside the tree and every hash be a SHA-256 output.
    if not 0 <= index < size:
        raise IntegrityError(f"leaf index: expected 0 <= index < {size}, found {index}")
    _check_sizes([leaf, *proof])
    # 2. fn walks the leaf's path, sn the tree's right edge; r folds the proof in.
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise IntegrityError(f"inclusion proof: expected fewer hashes, found {len(proof)}")
        # 3. A left sibling when fn is a right child or the last node of its level.
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    # 4. The path must be used up.
    if sn != 0:
        raise IntegrityError(f"inclusion proof: expected more hashes, found {len(proof)}")
    return r


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf hash `leaf` sits at `index` in the tree of `size` leaves with `root`."""
    found = root_from_inclusion_proof(leaf, index, size, proof)
    if found != root:
        raise IntegrityError(f"inclusion root: expected {root.hex()}, found {found.hex()}")


def verify_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Check that the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`)."""
    # 0. Sizes: the old tree is not larger; equal sizes need no proof, only equal roots.
    if not 0 < old_size <= new_size:
        raise IntegrityError(
            f"tree sizes: expected 0 < old <= new, found old={old_size}, new={new_size}"
        )
    if old_size == new_size:
        if proof or old_root != new_root:
            raise IntegrityError(
                f"root at size {old_size}: expected {old_root.hex()}, found {new_root.hex()}"
            )
        return
    fr, sr = _fold_consistency(old_size, new_size, proof, old_root)
    # 4. Both roots match.
    if fr != old_root:
        raise IntegrityError(
            f"old root {old_size} from proof: expected {old_root.hex()}, found {fr.hex()}"
        )
    if sr != new_root:
        raise IntegrityError(
            f"new root {new_size} from proof: expected {new_root.hex()}, found {sr.hex()}"
        )


def _fold_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes
) -> tuple[bytes, bytes]:
    """Steps 1-3 of RFC 9162 section 2.1.4.2: the old and new roots the proof gives."""
    if not proof:
        raise IntegrityError("consistency proof: expected at least one hash, found none")
    _check_sizes(proof)
    # 1. When the old size is a power of two, the old root starts the path.
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    # 2. Skip the levels where the old tree's last node is a right child.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 3. Fold the path into the old (fr) and new (sr) roots.
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise IntegrityError(f"consistency proof: expected fewer hashes, found {len(proof)}")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # The path must be used up.
    if sn != 0:
        raise IntegrityError(f"consistency proof: expected more hashes, found {len(proof)}")
    return fr, sr
