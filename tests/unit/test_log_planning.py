"""Pure rules of the log: a bundle's leaf plan, late files, and the server's proof checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bodycam_guard.domain import hash_chain, merkle
from bodycam_guard.domain.bundle_leaves import BundleFacts, ChainHead, NamedFile, plan_bundle_leaves
from bodycam_guard.domain.errors import IntegrityError
from bodycam_guard.domain.merkle_proofs import verify_consistency, verify_inclusion

FACTS = BundleFacts(
    device_id="BWC-1",
    bundle="BWC-1_20261124T080000Z",
    manifest_sha256="a" * 64,
    station_id="DOCK-1",
    docked_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    log_sha256="b" * 64,
    log_bytes=100,
    first_seq=1,
    last_seq=9,
)


def _file(seq: int) -> NamedFile:
    return NamedFile(file_seq=seq, path=f"media/{seq:06d}.mp4", sha256=f"{seq:064x}", bytes=seq)


def test_plan_orders_bundle_log_then_segments_by_file_seq() -> None:
    planned = plan_bundle_leaves(FACTS, [_file(3), _file(1), _file(2)], None)
    assert [p.type for p in planned] == ["bundle", "device_log", "segment", "segment", "segment"]
    assert [json.loads(p.data)["file_seq"] for p in planned[2:]] == [1, 2, 3]
    values = hash_chain.recompute("BWC-1", [(n, bytes.fromhex(f"{n:064x}")) for n in (1, 2, 3)])
    assert [p.chain for p in planned[2:]] == values


def test_late_and_repeated_files_stay_out_of_the_chain() -> None:
    head = ChainHead(file_seq=5, chain=bytes(range(32)))
    planned = plan_bundle_leaves(FACTS, [_file(6), _file(4), _file(6), _file(7)], head)
    assert [p.type for p in planned[2:]] == ["late_segment", "segment", "late_segment", "segment"]
    late = json.loads(planned[2].data)
    assert late["after_chain"] == head.chain.hex() and "chain" not in late
    six = hash_chain.extend(head.chain, "BWC-1", 6, bytes.fromhex(f"{6:064x}"))
    assert planned[3].chain == six
    assert json.loads(planned[4].data)["after_chain"] == six.hex()
    assert planned[5].chain == hash_chain.extend(six, "BWC-1", 7, bytes.fromhex(f"{7:064x}"))


@given(st.integers(1, 70), st.data())
def test_proofs_verify_and_any_flip_fails(size: int, data: st.DataObject) -> None:
    store = merkle.MemoryHashStore()
    for n in range(size):
        store.append(n.to_bytes(4, "big"))
    index = data.draw(st.integers(0, size - 1))
    proof = merkle.inclusion_proof(index, size, store.read)
    verify_inclusion(store.read(0, index), index, size, proof, store.root())
    old = data.draw(st.integers(1, size))
    consistency = merkle.consistency_proof(old, size, store.read)
    verify_consistency(old, size, consistency, store.root(old), store.root())
    if proof:
        flipped = list(proof)
        flipped[0] = bytes([flipped[0][0] ^ 1]) + flipped[0][1:]
        with pytest.raises(IntegrityError):
            verify_inclusion(store.read(0, index), index, size, flipped, store.root())
    if old < size:
        other = merkle.MemoryHashStore()
        for n in range(old):
            other.append(b"fork" if n == old - 1 else n.to_bytes(4, "big"))
        with pytest.raises(IntegrityError):
            verify_consistency(old, size, consistency, other.root(), store.root())
