"""Appending to the transparency log on SQLite (pytest-benchmark; not part of the default run).

Run: `.venv/bin/pytest benchmarks/test_log_append_speed.py --benchmark-only`.
Each round appends 10,000 segment-sized leaves (about 330 bytes, like real ones)
in transactions of 1,000 to a SQLite file in WAL mode, on top of a log that
already holds earlier rounds. The target is at least 10,000 leaves per second.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from bodycam_guard.bootstrap import Runtime, bootstrap
from bodycam_guard.config import Settings
from bodycam_guard.domain import hash_chain, log_leaves, merkle

ROUND = 10_000
BATCH = 1_000
SEED = 9162
AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _leaves(start: int, count: int) -> list[tuple[str, bytes]]:
    chain = hash_chain.CHAIN_START
    out = []
    for n in range(start, start + count):
        digest = hashlib.sha256(f"{SEED} footage {n}".encode()).digest()
        chain = hash_chain.extend(chain, "KZ-AST-0001", n + 1, digest)
        leaf = log_leaves.segment_leaf(
            device_id="KZ-AST-0001",
            file_seq=n + 1,
            path=f"media/KZ-AST-0001_{n + 1:06d}.mp4",
            sha256_hex=digest.hex(),
            bytes=25_000 + n % 5_000,
            chain_hex=chain.hex(),
            bundle="KZ-AST-0001_20261124T063302Z",
        )
        out.append(("segment", leaf))
    return out


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = bootstrap(Settings(home=tmp_path / "home"), clock=lambda: AT)
    yield rt
    rt.engine.dispose()


def test_append_leaves_in_batches_on_sqlite(benchmark: BenchmarkFixture, runtime: Runtime) -> None:
    appended = 0
    everything: list[bytes] = []

    def setup() -> tuple[tuple[list[tuple[str, bytes]]], dict[str, object]]:
        leaves = _leaves(appended, ROUND)
        everything.extend(leaf for _, leaf in leaves)
        return (leaves,), {}

    def append_round(leaves: list[tuple[str, bytes]]) -> None:
        nonlocal appended
        for start in range(0, len(leaves), BATCH):
            with runtime.uow() as work:
                work.log.append(leaves[start : start + BATCH], AT)
                work.commit()
        appended += len(leaves)

    benchmark.pedantic(append_round, setup=setup, rounds=5, iterations=1)
    rate = ROUND / benchmark.stats.stats.mean
    benchmark.extra_info["leaves_per_second"] = round(rate)
    with runtime.uow() as work:
        assert work.log.size() == appended == 5 * ROUND
        reference = merkle.MemoryHashStore()
        for leaf in everything:
            reference.append(leaf)
        assert work.log.root(appended) == reference.root()
    print(f"\nappend: {rate:,.0f} leaves/s (batches of {BATCH}, SQLite WAL)")
    assert rate >= 10_000
