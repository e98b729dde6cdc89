"""Evidence bags: written by the adapter, validated by LoC bagit and by `bodycam-verify`.

Each tamper test plays a forger who also re-seals the BagIt manifests, so BagIt
alone would accept the bag: the bodycam-guard checks (leaf hashes, proofs,
chain, signatures) must catch it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bodycam_guard.adapters.bag_writer import write_bag
from bodycam_guard.adapters.log_signer import LogSigner
from bodycam_guard.domain import checkpoint, hash_chain, log_leaves, merkle
from bodycam_guard.domain.errors import InputError
from verifier.cli import main

ORIGIN = "bodycam-guard.example/precinct-7"
AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


@dataclass
class Evidence:
    """A bag on disk, the log behind it, and the log key."""

    bag: Path
    store: merkle.MemoryHashStore
    signer: LogSigner
    leaves: dict[int, bytes]
    tmp: Path

    def run(self, *extra: str, key: str | None = None) -> int:
        return main([str(self.bag), "--log-key", key or self.signer.verifier_key(), *extra])

    def signed(self, size: int, store: merkle.MemoryHashStore | None = None) -> str:
        store = store or self.store
        return self.signer.sign_checkpoint(checkpoint.Checkpoint(ORIGIN, size, store.root(size)))


def _signer(seed: int) -> LogSigner:
    return LogSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


def _build(tmp: Path) -> Evidence:
    signer = _signer(7)
    store = merkle.MemoryHashStore()
    sources = tmp / "sources"
    sources.mkdir()
    payload: list[tuple[str, Path]] = []
    leaves: dict[int, bytes] = {}
    chains: dict[str, list[dict[str, object]]] = {}

    def log(leaf: bytes) -> int:
        index = store.append(leaf)
        leaves[index] = leaf
        return index

    log(
        log_leaves.review_leaf(
            incident_id="INC-1", action="acknowledge", actor="sgt", comment="", at=AT
        )
    )
    for device, count in (("BWC-0042", 3), ("BWC-0043", 1)):
        previous = hash_chain.CHAIN_START
        for file_seq in range(1, count + 1):
            content = f"{device} footage {file_seq}".encode() * 100
            source = sources / f"{device}-{file_seq}.mp4"
            source.write_bytes(content)
            digest = hashlib.sha256(content).digest()
            previous = hash_chain.extend(previous, device, file_seq, digest)
            index = log(
                log_leaves.segment_leaf(
                    device_id=device,
                    file_seq=file_seq,
                    path=f"video/{file_seq:06d}.mp4",
                    sha256_hex=digest.hex(),
                    bytes=len(content),
                    chain_hex=previous.hex(),
                    bundle=f"{device}-20260301",
                )
            )
            payload.append((f"{device}/{index}-{file_seq:06d}.mp4", source))
            chains.setdefault(device, []).append(
                {"file_seq": file_seq, "sha256": digest.hex(), "chain": previous.hex()}
            )
        device_log = sources / f"{device}-log.jsonl"
        device_log.write_bytes(b'{"seq": 1, "event": "power_on"}\n')
        index = log(
            log_leaves.device_log_leaf(
                device_id=device,
                bundle=f"{device}-20260301",
                sha256_hex=hashlib.sha256(device_log.read_bytes()).hexdigest(),
                bytes=device_log.stat().st_size,
                first_seq=1,
                last_seq=1,
            )
        )
        payload.append((f"{device}/{index}-device-log.jsonl", device_log))
    store.append(b"a later leaf that is not exported")
    size = store.size
    note = signer.sign_checkpoint(checkpoint.Checkpoint(ORIGIN, size, store.root()))
    tags: dict[str, bytes] = {"checkpoint": note.encode()}
    for index, leaf in leaves.items():
        tags[f"leaves/{index}.json"] = leaf
        proof = merkle.inclusion_proof(index, size, store.read)
        tags[f"proofs/{index}.tlog-proof"] = checkpoint.format_tlog_proof(
            index, proof, note
        ).encode()
    for device, entries in chains.items():
        tags[f"chain/{device}.json"] = json.dumps(entries, indent=1).encode()
    for old in (3, size):
        proof = merkle.consistency_proof(old, size, store.read)
        lines = "".join(base64.b64encode(h).decode() + "\n" for h in proof)
        tags[f"consistency/{old}-{size}.txt"] = lines.encode()
    bag = write_bag(
        tmp / "bag",
        payload,
        tags,
        {"Source-Organization": "Precinct 7", "External-Identifier": "CASE-2026-001"},
        bagging_date=date(2026, 3, 2),
    )
    return Evidence(bag, store, signer, leaves, tmp)


def _reseal(bag: Path) -> None:
    """Re-write every BagIt manifest and Payload-Oxum, as a forger would."""
    data = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    for algorithm in ("sha256", "sha512"):
        lines = "".join(
            f"{hashlib.new(algorithm, p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
            for p in data
        )
        (bag / f"manifest-{algorithm}.txt").write_text(lines)
    info = (bag / "bag-info.txt").read_text().splitlines()
    octets = sum(p.stat().st_size for p in data)
    info = [
        f"Payload-Oxum: {octets}.{len(data)}" if i.startswith("Payload-Oxum") else i for i in info
    ]
    (bag / "bag-info.txt").write_text("\n".join(info) + "\n")
    tag_files = sorted(
        p
        for p in bag.rglob("*")
        if p.is_file()
        and "data" not in p.relative_to(bag).parts[:1]
        and not p.name.startswith("tagmanifest-")
    )
    for algorithm in ("sha256", "sha512"):
        lines = "".join(
            f"{hashlib.new(algorithm, p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
            for p in tag_files
        )
        (bag / f"tagmanifest-{algorithm}.txt").write_text(lines)


@pytest.fixture
def evidence(tmp_path: Path) -> Evidence:
    return _build(tmp_path)


def _assert_bagit_valid(bag: Path) -> None:
    bagit.Bag(str(bag)).validate()


def _failures(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL")]


# --- the honest bag ----------------------------------------------------------------------


def test_honest_bag_is_valid_for_bagit_and_bodycam_verify(
    evidence: Evidence, capsys: pytest.CaptureFixture[str]
) -> None:
    _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "ok   device BWC-0042 hash chain binds 3 segment leaves" in out
    assert "ok   leaf 1 included in tree of size 8" in out
    assert out.rstrip().endswith("checks passed")


def test_bag_layout(evidence: Evidence) -> None:
    names = {p.relative_to(evidence.bag).as_posix() for p in evidence.bag.rglob("*") if p.is_file()}
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt"} <= names
    assert {"tagmanifest-sha256.txt", "tagmanifest-sha512.txt", "bodycam-guard/checkpoint"} <= names
    assert "data/BWC-0042/1-000001.mp4" in names
    info = (evidence.bag / "bag-info.txt").read_text()
    assert "Bagging-Date: 2026-03-02\n" in info
    assert "Payload-Oxum: " in info
    assert not list(evidence.tmp.glob(".bag.*"))


def test_older_consistent_checkpoint_is_accepted(
    evidence: Evidence, capsys: pytest.CaptureFixture[str]
) -> None:
    old = evidence.tmp / "old-checkpoint"
    old.write_text(evidence.signed(3))
    assert evidence.run("--checkpoint", str(old)) == 0
    assert "ok   older checkpoint is a prefix of the bag's" in capsys.readouterr().out


def test_usage_errors_exit_2(evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(evidence.bag)]) == 2
    assert evidence.run(key="not-a-key") == 2
    assert main([str(evidence.tmp / "missing"), "--log-key", evidence.signer.verifier_key()]) == 2
    assert evidence.run("--checkpoint", str(evidence.tmp / "missing")) == 2
    capsys.readouterr()


def test_writer_refuses_percent_and_existing_dir(tmp_path: Path) -> None:
    source = tmp_path / "f"
    source.write_bytes(b"x")
    with pytest.raises(InputError):
        write_bag(tmp_path / "b1", [("a%41.mp4", source)], {}, {})
    with pytest.raises(InputError):
        write_bag(tmp_path / "b2", [("../escape", source)], {}, {})
    (tmp_path / "b3").mkdir()
    with pytest.raises(InputError):
        write_bag(tmp_path / "b3", [("a.mp4", source)], {}, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b3", "f"]


# --- tampering -----------------------------------------------------------------------------


def test_altered_data_file_fails(evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    target = evidence.bag / "data/BWC-0042/2-000002.mp4"
    target.write_bytes(target.read_bytes().replace(b"footage", b"FOOTAGE", 1))
    with pytest.raises(bagit.BagValidationError):
        _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 1
    assert any(
        line.startswith("FAIL manifest: data/BWC-0042/2-000002.mp4") for line in _failures(capsys)
    )
    _reseal(evidence.bag)
    _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 1
    failures = _failures(capsys)
    assert failures == [f for f in failures if "data/BWC-0042/2-000002.mp4" in f]
    assert "FAIL data/BWC-0042/2-000002.mp4 matches its leaf: expected " in failures[0]


def test_removed_data_file_fails(evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    (evidence.bag / "data/BWC-0042/3-000003.mp4").unlink()
    with pytest.raises(bagit.BagValidationError):
        _assert_bagit_valid(evidence.bag)
    _reseal(evidence.bag)
    _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 1
    assert _failures(capsys) == [
        "FAIL leaf 3 footage present: expected its footage in data/, found none"
    ]


def test_added_data_file_fails(evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    (evidence.bag / "data/BWC-0042/9-planted.mp4").write_bytes(b"planted")
    with pytest.raises(bagit.BagValidationError):
        _assert_bagit_valid(evidence.bag)
    _reseal(evidence.bag)
    _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 1
    failures = _failures(capsys)
    assert len(failures) == 1
    assert failures[0].startswith("FAIL data/BWC-0042/9-planted.mp4 matches its leaf")


def test_edited_leaf_fails(evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    leaf = evidence.bag / "bodycam-guard/leaves/0.json"
    leaf.write_bytes(leaf.read_bytes().replace(b"acknowledge", b"justify"))
    _reseal(evidence.bag)
    _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 1
    failures = _failures(capsys)
    assert len(failures) == 1
    assert failures[0].startswith("FAIL leaf 0 included in tree of size 8: expected ")


def test_edited_proof_fails(evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    proof = evidence.bag / "bodycam-guard/proofs/2.tlog-proof"
    lines = proof.read_text().split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()  # first proof hash, after header and index
    proof.write_text("\n".join(lines))
    _reseal(evidence.bag)
    _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 1
    failures = _failures(capsys)
    assert len(failures) == 1
    assert failures[0].startswith("FAIL leaf 2 included in tree of size 8: expected ")


def test_forged_checkpoint_signature_fails(
    evidence: Evidence, capsys: pytest.CaptureFixture[str]
) -> None:
    # The forger re-signs a checkpoint with their own key under the log's name.
    forger = _signer(99)
    note = forger.sign_checkpoint(
        checkpoint.Checkpoint(ORIGIN, evidence.store.size, evidence.store.root())
    )
    (evidence.bag / "bodycam-guard/checkpoint").write_text(note)
    _reseal(evidence.bag)
    _assert_bagit_valid(evidence.bag)
    assert evidence.run() == 1
    failures = _failures(capsys)
    assert failures[0].startswith(f"FAIL checkpoint signed by {ORIGIN}: expected one by")
    # Proofs embed the genuine checkpoint, which no longer is the bag's.
    assert all("included" in f for f in failures[1:])


def test_forked_older_checkpoint_fails(
    evidence: Evidence, capsys: pytest.CaptureFixture[str]
) -> None:
    # The log showed an auditor a different history at size 3 (a fork): same key, other leaves.
    fork = merkle.MemoryHashStore()
    for index in range(3):
        fork.append(evidence.leaves[index] if index != 1 else b"another history")
    old = evidence.tmp / "forked-checkpoint"
    old.write_text(evidence.signed(3, fork))
    assert evidence.run("--checkpoint", str(old)) == 1
    failures = _failures(capsys)
    assert failures == [
        f"FAIL older checkpoint is a prefix of the bag's: expected {fork.root(3).hex()}, found "
        + failures[0].rsplit("found ", 1)[1]
    ]


def test_older_checkpoint_without_proof_in_bag_fails(
    evidence: Evidence, capsys: pytest.CaptureFixture[str]
) -> None:
    old = evidence.tmp / "old-checkpoint"
    old.write_text(evidence.signed(5))
    assert evidence.run("--checkpoint", str(old)) == 1
    assert _failures(capsys) == [
        "FAIL older checkpoint is a prefix of the bag's: expected present, found missing"
    ]


def test_copy_of_bag_still_valid(evidence: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    copy = evidence.tmp / "copy"
    shutil.copytree(evidence.bag, copy)
    assert main([str(copy), "--log-key", evidence.signer.verifier_key()]) == 0
    capsys.readouterr()
