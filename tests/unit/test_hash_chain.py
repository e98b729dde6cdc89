"""The per-device hash chain."""

from __future__ import annotations

import hashlib

import pytest

from bodycam_guard.domain import hash_chain
from bodycam_guard.domain.errors import IntegrityError

DEVICE = "BWC-0042"
SEGMENTS = [(1, hashlib.sha256(b"a").digest()), (2, hashlib.sha256(b"b").digest())]


def test_first_value_follows_the_formula() -> None:
    expected = hashlib.sha256(
        b"bodycam-chain/v1\n"
        + DEVICE.encode()
        + (1).to_bytes(8, "big")
        + SEGMENTS[0][1]
        + bytes(32)
    ).digest()
    assert hash_chain.extend(hash_chain.CHAIN_START, DEVICE, *SEGMENTS[0]) == expected


def test_recompute_links_each_value_to_the_previous() -> None:
    first, second = hash_chain.recompute(DEVICE, SEGMENTS)
    assert second == hash_chain.extend(first, DEVICE, *SEGMENTS[1])


def test_pinned_value() -> None:
    # Pinned so that any change to the formula is a deliberate, visible one.
    values = hash_chain.recompute(DEVICE, SEGMENTS)
    assert values[-1].hex() == hash_chain.extend(values[0], DEVICE, *SEGMENTS[1]).hex()
    assert values[0].hex() == (
        hashlib.sha256(
            b"bodycam-chain/v1\nBWC-0042\x00\x00\x00\x00\x00\x00\x00\x01"
            + SEGMENTS[0][1]
            + bytes(32)
        ).hexdigest()
    )


def test_gaps_in_file_seq_are_allowed() -> None:
    assert len(hash_chain.recompute(DEVICE, [(1, SEGMENTS[0][1]), (5, SEGMENTS[1][1])])) == 2


@pytest.mark.parametrize("seqs", [(2, 1), (1, 1)])
def test_non_increasing_file_seq_is_refused(seqs: tuple[int, int]) -> None:
    with pytest.raises(IntegrityError, match="expected file_seq greater than"):
        hash_chain.recompute(DEVICE, [(seqs[0], SEGMENTS[0][1]), (seqs[1], SEGMENTS[1][1])])


def test_dropped_or_swapped_segment_changes_the_last_value() -> None:
    third = (3, hashlib.sha256(b"c").digest())
    honest = hash_chain.recompute(DEVICE, [*SEGMENTS, third])[-1]
    dropped = hash_chain.recompute(DEVICE, [SEGMENTS[0], third])[-1]
    swapped = hash_chain.recompute(DEVICE, [(1, SEGMENTS[1][1]), (2, SEGMENTS[0][1]), third])[-1]
    other_device = hash_chain.recompute("BWC-0043", [*SEGMENTS, third])[-1]
    assert len({honest, dropped, swapped, other_device}) == 4


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(IntegrityError):
        hash_chain.extend(b"short", DEVICE, 1, SEGMENTS[0][1])
    with pytest.raises(IntegrityError):
        hash_chain.extend(bytes(32), DEVICE, 1, b"short")
    with pytest.raises(IntegrityError):
        hash_chain.extend(bytes(32), DEVICE, 1 << 64, SEGMENTS[0][1])
