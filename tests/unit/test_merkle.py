"""The domain Merkle store against a naive RFC 9162 reference, and against verifier/."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bodycam_guard.domain import merkle
from bodycam_guard.domain.errors import InputError, IntegrityError
from verifier import rfc9162
from verifier.errors import VerificationError

# --- a naive recursive reference, straight from RFC 9162 section 2.1 ------------------


def _mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*_path(m, leaves[:k]), _mth(leaves[k:])]
    return [*_path(m - k, leaves[k:]), _mth(leaves[:k])]


def _subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [_mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), _mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), _mth(leaves[:k])]


def _leaves(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() for i in range(n)]


def _store(leaves: list[bytes]) -> merkle.MemoryHashStore:
    store = merkle.MemoryHashStore()
    for leaf in leaves:
        store.append(leaf)
    return store


# --- exhaustive agreement on small trees ----------------------------------------------


def test_roots_match_reference_up_to_70() -> None:
    leaves = _leaves(70)
    store = _store(leaves)
    for size in range(71):
        assert store.root(size) == _mth(leaves[:size])


def test_every_proof_matches_reference_up_to_33() -> None:
    leaves = _leaves(33)
    store = _store(leaves)
    for size in range(1, 34):
        for index in range(size):
            expected = _path(index, leaves[:size])
            assert merkle.inclusion_proof(index, size, store.read) == expected
        for old in range(1, size + 1):
            expected = _subproof(old, leaves[:size], True)
            assert merkle.consistency_proof(old, size, store.read) == expected


def test_batch_reader_gives_the_same_proofs() -> None:
    store = _store(_leaves(100))
    for index in (0, 37, 99):
        plan = merkle.inclusion_plan(index, 100)
        assert merkle.evaluate_batch(plan, store.read_many) == merkle.inclusion_proof(
            index, 100, store.read
        )
    plan = merkle.consistency_plan(37, 100)
    assert merkle.evaluate_batch(plan, store.read_many) == merkle.consistency_proof(
        37, 100, store.read
    )


def test_reads_are_logarithmic() -> None:
    store = _store(_leaves(1000))
    reads: list[tuple[int, int]] = []

    def counting(level: int, index: int) -> bytes:
        reads.append((level, index))
        return store.read(level, index)

    merkle.inclusion_proof(999, 1000, counting)
    merkle.consistency_proof(333, 999, counting)
    merkle.root(999, counting)
    assert len(reads) <= 3 * 2 * 10


def test_append_stores_leaf_and_completed_subtrees() -> None:
    store = _store(_leaves(3))
    rows = merkle.nodes_to_store_on_append(3, b"\x07" * 32, store.read)
    assert [(level, index) for level, index, _ in rows] == [(0, 3), (1, 1), (2, 0)]
    assert rows[-1][2] == merkle.node_hash(
        store.read(1, 0), merkle.node_hash(store.read(0, 2), b"\x07" * 32)
    )


def test_out_of_range_requests_are_input_errors() -> None:
    store = _store(_leaves(4))
    with pytest.raises(InputError):
        merkle.inclusion_proof(4, 4, store.read)
    with pytest.raises(InputError):
        merkle.consistency_proof(0, 4, store.read)
    with pytest.raises(InputError):
        merkle.consistency_proof(5, 4, store.read)
    with pytest.raises(IntegrityError):
        merkle.root(5, store.read)


# --- tiles -----------------------------------------------------------------------------


def test_tile_paths_follow_tlog_tiles() -> None:
    assert merkle.tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert merkle.tile_path(1, 5, 17) == "tile/1/005.p/17"
    assert merkle.tile_path("entries", 0, 3) == "tile/entries/000.p/3"
    assert merkle.parse_tile_path("tile/0/x001/x234/067") == (0, 1234067, 256)
    assert merkle.parse_tile_path("tile/entries/000.p/3") == ("entries", 0, 3)
    for bad in ("tile/0/1", "tile/0/x001", "tile/0/001/234", "tile/0/000.p/256", "tile/64/000"):
        with pytest.raises(InputError):
            merkle.parse_tile_path(bad)


def test_tile_widths_for_a_tree_of_70000() -> None:
    widths = {
        (level, n): merkle.tile_width(level, n, 70_000)
        for level in range(3)
        for n in (0, 1, 272, 273, 274)
    }
    assert widths[(0, 272)] == 256
    assert widths[(0, 273)] == 112
    assert widths[(0, 274)] == 0
    assert (widths[(1, 0)], widths[(1, 1)]) == (256, 17)
    assert (widths[(2, 0)], widths[(2, 1)]) == (1, 0)


def test_level1_tile_hashes_are_roots_of_level0_tiles() -> None:
    store = _store(_leaves(600))
    tile = [store.read(*a) for a in merkle.tile_addresses(1, 0, merkle.tile_width(1, 0, 600))]
    assert len(tile) == 2
    level0 = [store.read(*a) for a in merkle.tile_addresses(0, 1, 256)]
    assert tile[1] == merkle.fold(_pairwise_root(level0))


def _pairwise_root(hashes: list[bytes]) -> list[bytes]:
    while len(hashes) > 1:
        hashes = [merkle.node_hash(a, b) for a, b in zip(hashes[::2], hashes[1::2], strict=True)]
    return hashes


def test_entry_bundle_is_length_prefixed() -> None:
    assert merkle.entry_bundle([b"ab", b""]) == b"\x00\x02ab\x00\x00"


# --- property: append, then every proof verifies; any change fails --------------------

sizes = st.integers(min_value=1, max_value=80)


@settings(max_examples=60, deadline=None)
@given(n=sizes, data=st.data())
def test_every_proof_of_appended_leaves_verifies(n: int, data: st.DataObject) -> None:
    leaves = data.draw(st.lists(st.binary(max_size=16), min_size=n, max_size=n))
    store = _store(leaves)
    root = store.root()
    for index, leaf in enumerate(leaves):
        proof = merkle.inclusion_proof(index, n, store.read)
        rfc9162.verify_inclusion(merkle.leaf_hash(leaf), index, n, proof, root)
    for old in range(1, n + 1):
        proof = merkle.consistency_proof(old, n, store.read)
        rfc9162.verify_consistency(old, n, proof, store.root(old), root)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=2, max_value=64), data=st.data())
def test_flipped_bit_fails_inclusion(n: int, data: st.DataObject) -> None:
    store = _store(_leaves(n))
    index = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(index, n, store.read)
    target = data.draw(st.integers(0, len(proof)))  # len(proof) means the leaf itself
    bit = data.draw(st.integers(0, 255))
    leaf = merkle.leaf_hash(_leaves(n)[index])
    if target == len(proof):
        leaf = _flip(leaf, bit)
    else:
        proof[target] = _flip(proof[target], bit)
    with pytest.raises(VerificationError):
        rfc9162.verify_inclusion(leaf, index, n, proof, store.root())


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=3, max_value=64), data=st.data())
def test_flipped_bit_fails_consistency(n: int, data: st.DataObject) -> None:
    store = _store(_leaves(n))
    old = data.draw(st.integers(1, n - 1))
    proof = merkle.consistency_proof(old, n, store.read)
    target = data.draw(st.integers(0, len(proof) - 1))
    proof[target] = _flip(proof[target], data.draw(st.integers(0, 255)))
    with pytest.raises(VerificationError):
        rfc9162.verify_consistency(old, n, proof, store.root(old), store.root())


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=2, max_value=64), data=st.data())
def test_dropped_or_reordered_leaf_fails(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    honest = _store(leaves)
    i = data.draw(st.integers(0, n - 2))
    if data.draw(st.booleans()):
        tampered = leaves[:i] + leaves[i + 1 :]  # drop leaf i
    else:
        tampered = [*leaves[:i], leaves[i + 1], leaves[i], *leaves[i + 2 :]]  # swap i, i+1
    forged = _store(tampered)
    # The tampered log's root is not the honest root ...
    assert forged.root() != honest.root()
    # ... its proofs do not verify against the honest checkpoint ...
    index = data.draw(st.integers(0, len(tampered) - 1))
    proof = merkle.inclusion_proof(index, len(tampered), forged.read)
    with pytest.raises(VerificationError):
        rfc9162.verify_inclusion(merkle.leaf_hash(tampered[index]), index, n, proof, honest.root())
    # ... and the honest prefix before the change is not consistent with it.
    if i + 1 < len(tampered):
        proof = merkle.consistency_proof(i + 1, len(tampered), forged.read)
        with pytest.raises(VerificationError):
            rfc9162.verify_consistency(i + 1, n, proof, honest.root(i + 1), honest.root())


def _flip(value: bytes, bit: int) -> bytes:
    out = bytearray(value)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)
