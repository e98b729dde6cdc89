"""Verifying an evidence bag of ten minutes of footage, against plain hashing of the same bytes.

Run: `.venv/bin/pytest benchmarks/test_bag_verify_speed.py --benchmark-only -s`.
Twenty 30-second segments at 2 Mbit/s (7.5 MB each, 150 MB: ten minutes of
720p body-camera video), seeded pseudo-random bytes, in a bag with leaves,
proofs, chain and checkpoint. `bodycam-verify` reads each payload file twice
(BagIt's SHA-256 and SHA-512 manifests in one pass, then its leaf's SHA-256);
the reference reads every file once with hashlib SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pytest_benchmark.fixture import BenchmarkFixture

from bodycam_guard.adapters.bag_writer import write_bag
from bodycam_guard.adapters.log_signer import LogSigner
from bodycam_guard.domain import checkpoint, hash_chain, log_leaves, merkle
from verifier.evidence import check_evidence
from verifier.note import parse_verifier_key

SEGMENTS = 20
SEGMENT_BYTES = 7_500_000
SEED = 8493
ORIGIN = "bodycam-guard.example/bench"
_timings: dict[str, float] = {}


@pytest.fixture(scope="module")
def bag(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("bag-speed")
    signer = LogSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32))
    store = merkle.MemoryHashStore()
    payload, leaves, chain_entries = [], {}, []
    previous = hash_chain.CHAIN_START
    for n in range(1, SEGMENTS + 1):
        source = tmp / f"{n:06d}.mp4"
        source.write_bytes(hashlib.shake_256(f"{SEED}/{n}".encode()).digest(SEGMENT_BYTES))
        digest = hashlib.sha256(source.read_bytes()).digest()
        previous = hash_chain.extend(previous, "BWC-1", n, digest)
        leaf = log_leaves.segment_leaf(
            device_id="BWC-1",
            file_seq=n,
            path=f"media/{n:06d}.mp4",
            sha256_hex=digest.hex(),
            bytes=SEGMENT_BYTES,
            chain_hex=previous.hex(),
            bundle="BWC-1_20261124T080000Z",
        )
        index = store.append(leaf)
        leaves[index] = leaf
        payload.append((f"BWC-1/{index}-{n:06d}.mp4", source))
        chain_entries.append({"file_seq": n, "sha256": digest.hex(), "chain": previous.hex()})
    note = signer.sign_checkpoint(checkpoint.Checkpoint(ORIGIN, store.size, store.root()))
    tags = {"checkpoint": note.encode(), "chain/BWC-1.json": json.dumps(chain_entries).encode()}
    for index, leaf in leaves.items():
        proof = merkle.inclusion_proof(index, store.size, store.read)
        tags[f"leaves/{index}.json"] = leaf
        tags[f"proofs/{index}.tlog-proof"] = checkpoint.format_tlog_proof(
            index, proof, note
        ).encode()
    out = write_bag(tmp / "bag", payload, tags, {}, bagging_date=date(2026, 11, 25))
    return out, signer.verifier_key()


def _hash_payload(bag: Path, algorithm: str) -> None:
    for path in sorted((bag / "data").rglob("*.mp4")):
        with path.open("rb") as handle:
            hashlib.file_digest(handle, algorithm)


def test_plain_sha256_over_the_footage(benchmark: BenchmarkFixture, bag: tuple[Path, str]) -> None:
    benchmark.pedantic(_hash_payload, args=(bag[0], "sha256"), rounds=3, iterations=1)
    _timings["hashlib"] = benchmark.stats.stats.mean


def test_plain_sha512_over_the_footage(benchmark: BenchmarkFixture, bag: tuple[Path, str]) -> None:
    """BagIt validity needs every manifest checked: SHA-512 (no SHA-NI) is the slower bound."""
    benchmark.pedantic(_hash_payload, args=(bag[0], "sha512"), rounds=3, iterations=1)
    _timings["sha512"] = benchmark.stats.stats.mean


def test_bodycam_verify_the_bag(benchmark: BenchmarkFixture, bag: tuple[Path, str]) -> None:
    key = parse_verifier_key(bag[1])
    results = benchmark.pedantic(check_evidence, args=(bag[0], key), rounds=3, iterations=1)
    assert all(r.ok for r in results)
    _timings["verify"] = benchmark.stats.stats.mean
    if "hashlib" in _timings:
        ratio = _timings["verify"] / _timings["hashlib"]
        benchmark.extra_info["ratio_to_hashlib_sha256"] = round(ratio, 2)
        megabytes = SEGMENTS * SEGMENT_BYTES / 1e6
        print(
            f"\nbag of {megabytes:.0f} MB: verify {_timings['verify']:.2f} s, "
            f"hashlib SHA-256 {_timings['hashlib']:.2f} s (ratio {ratio:.2f}), "
            f"hashlib SHA-512 {_timings.get('sha512', float('nan')):.2f} s"
        )
