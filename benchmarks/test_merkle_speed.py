"""Merkle proof speed at 10 million leaves (pytest-benchmark; not part of the default run).

Run: `.venv/bin/pytest benchmarks/test_merkle_speed.py --benchmark-only`.
The store is dense like the production one: one bytes object per level, built
bottom-up once per session; leaf hashes are pseudo-random bytes pinned by seed (SHAKE-256).
Only proof generation is timed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from bodycam_guard.domain import merkle
from verifier import rfc9162

LEAVES = 10_000_000
SEED = 9162


class DenseLevels:
    """Complete-subtree hashes, one contiguous bytes object per level."""

    def __init__(self, leaf_hashes: bytes) -> None:
        self.size = len(leaf_hashes) // 32
        self.levels = [leaf_hashes]
        level = leaf_hashes
        while len(level) >= 64:
            sha256 = hashlib.sha256
            level = b"".join(
                sha256(b"\x01" + level[i : i + 64]).digest() for i in range(0, len(level) - 63, 64)
            )
            self.levels.append(level)
        self.reads = 0

    def read(self, level: int, index: int) -> bytes:
        self.reads += 1
        value = self.levels[level][32 * index : 32 * index + 32]
        if len(value) != 32:
            raise LookupError((level, index))
        return value

    def read_many(self, addresses: Sequence[tuple[int, int]]) -> list[bytes]:
        return [self.read(level, index) for level, index in addresses]


@pytest.fixture(scope="module")
def store() -> DenseLevels:
    # SHAKE-256 as a seeded byte stream: 10M pseudo-random leaf hashes in well under a second.
    return DenseLevels(hashlib.shake_256(f"seed {SEED}".encode()).digest(32 * LEAVES))


def test_inclusion_proof_at_10m(benchmark: BenchmarkFixture, store: DenseLevels) -> None:
    index = random.Random(SEED + 1).randrange(LEAVES)
    proof = benchmark(merkle.inclusion_proof, index, LEAVES, store.read)
    leaf = store.read(0, index)
    rfc9162.verify_inclusion(leaf, index, LEAVES, proof, merkle.root(LEAVES, store.read))
    store.reads = 0
    merkle.inclusion_proof(index, LEAVES, store.read)
    benchmark.extra_info["stored_hashes_read"] = store.reads
    assert store.reads <= 2 * 24


def test_inclusion_proof_batch_at_10m(benchmark: BenchmarkFixture, store: DenseLevels) -> None:
    index = LEAVES - 1  # the ragged right edge: the most folding
    plan = merkle.inclusion_plan(index, LEAVES)
    proof = benchmark(merkle.evaluate_batch, plan, store.read_many)
    assert proof == merkle.inclusion_proof(index, LEAVES, store.read)


def test_consistency_proof_at_10m(benchmark: BenchmarkFixture, store: DenseLevels) -> None:
    old = random.Random(SEED + 2).randrange(1, LEAVES)
    proof = benchmark(merkle.consistency_proof, old, LEAVES, store.read)
    rfc9162.verify_consistency(
        old, LEAVES, proof, merkle.root(old, store.read), merkle.root(LEAVES, store.read)
    )


def test_root_at_10m(benchmark: BenchmarkFixture, store: DenseLevels) -> None:
    benchmark(merkle.root, LEAVES, store.read)
