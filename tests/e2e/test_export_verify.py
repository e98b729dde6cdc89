"""Export with `bodycam-guard export`, check offline with `bodycam-verify`: the real commands.

The honest bag passes LoC bagit and bodycam-verify; each tampered copy fails
bodycam-verify even after the forger re-seals every BagIt manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import bagit
import pytest

from tests.support import sample_bundle

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Exported:
    home: Path
    bag: Path
    key: str
    tmp: Path


def _run(home: Path, tool: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *map(str, args)],
        env={**os.environ, "BODYCAM_GUARD_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _export(home: Path, out: Path, device: str = "KZ-AST-0003") -> subprocess.CompletedProcess[str]:
    return _run(
        home,
        "bodycam-guard",
        "export",
        "--device",
        device,
        "--from",
        "2026-11-24T06:00:00Z",
        "--to",
        "2026-11-24T07:00:00Z",
        "--out",
        out,
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    tmp = tmp_path_factory.mktemp("export")
    home = tmp / "home"
    for device in ("KZ-AST-0001", "KZ-AST-0003", "KZ-AST-0005"):
        done = _run(home, "bodycam-guard", "ingest", sample_bundle(device))
        assert done.returncode == 0, done.stdout + done.stderr
    key = _run(home, "bodycam-guard", "log-key")
    assert key.returncode == 0
    done = _export(home, tmp / "bag")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wrote " in done.stdout and "5 segments, 1 device logs" in done.stdout
    return Exported(home, tmp / "bag", key.stdout.strip(), tmp)


def _copy(exported: Exported, name: str) -> Path:
    target = exported.tmp / name
    shutil.copytree(exported.bag, target)
    return target


def _verify(exported: Exported, bag: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(exported.home, "bodycam-verify", bag, "--log-key", exported.key, *extra)


def _reseal(bag: Path) -> None:
    """Re-write every BagIt manifest, Payload-Oxum and tag manifest, as a forger would."""
    data = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    for algorithm in ("sha256", "sha512"):
        lines = "".join(
            f"{hashlib.new(algorithm, p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
            for p in data
        )
        (bag / f"manifest-{algorithm}.txt").write_text(lines)
    info = [
        f"Payload-Oxum: {sum(p.stat().st_size for p in data)}.{len(data)}"
        if line.startswith("Payload-Oxum")
        else line
        for line in (bag / "bag-info.txt").read_text().splitlines()
    ]
    (bag / "bag-info.txt").write_text("\n".join(info) + "\n")
    tags = sorted(
        p
        for p in bag.rglob("*")
        if p.is_file()
        and p.relative_to(bag).parts[0] != "data"
        and not p.name.startswith("tagmanifest-")
    )
    for algorithm in ("sha256", "sha512"):
        lines = "".join(
            f"{hashlib.new(algorithm, p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
            for p in tags
        )
        (bag / f"tagmanifest-{algorithm}.txt").write_text(lines)


def test_honest_bag_is_valid_for_bagit_and_bodycam_verify(exported: Exported) -> None:
    bagit.Bag(str(exported.bag)).validate()
    done = _verify(exported, exported.bag)
    assert done.returncode == 0, done.stdout
    assert "ok   device KZ-AST-0003 hash chain binds 5 segment leaves" in done.stdout
    assert done.stdout.rstrip().endswith("checks passed")
    names = sorted(p.name for p in (exported.bag / "data" / "KZ-AST-0003").iterdir())
    assert names == [
        "10-device.log.jsonl",
        "11-KZ-AST-0003_000001.mp4",
        "12-KZ-AST-0003_000002.mp4",
        "13-KZ-AST-0003_000004.mp4",
        "14-KZ-AST-0003_000005.mp4",
        "15-KZ-AST-0003_000006.mp4",
    ]


def test_older_published_checkpoint_is_accepted(exported: Exported) -> None:
    # The auditor kept the checkpoint published after the first bundle (9 leaves).
    old = exported.tmp / "checkpoint-9"
    note = (exported.bag / "bodycam-guard/checkpoint").read_text()
    assert "\n24\n" in note
    server = _run(exported.home, "bodycam-guard", "checkpoint")
    assert server.stdout == note
    proof_file = exported.bag / "bodycam-guard/consistency/9-24.txt"
    assert proof_file.is_file()
    # The first checkpoint is not in the bag: the auditor fetched it back then.
    with contextlib.closing(sqlite3.connect(exported.home / "bodycam-guard.db")) as db:
        (first,) = db.execute("SELECT note FROM checkpoints ORDER BY id LIMIT 1").fetchone()
    old.write_text(first)
    done = _verify(exported, exported.bag, "--checkpoint", str(old))
    assert done.returncode == 0, done.stdout
    assert "ok   older checkpoint is a prefix of the bag's" in done.stdout


def test_bag_with_a_file_altered_fails(exported: Exported) -> None:
    bag = _copy(exported, "altered")
    target = bag / "data/KZ-AST-0003/12-KZ-AST-0003_000002.mp4"
    data = bytearray(target.read_bytes())
    data[500] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()
    _reseal(bag)
    bagit.Bag(str(bag)).validate()
    done = _verify(exported, bag)
    assert done.returncode == 1
    assert (
        "FAIL data/KZ-AST-0003/12-KZ-AST-0003_000002.mp4 matches its leaf: expected " in done.stdout
    )


def test_bag_with_a_file_removed_fails(exported: Exported) -> None:
    bag = _copy(exported, "removed")
    (bag / "data/KZ-AST-0003/13-KZ-AST-0003_000004.mp4").unlink()
    _reseal(bag)
    bagit.Bag(str(bag)).validate()
    done = _verify(exported, bag)
    assert done.returncode == 1
    assert "FAIL leaf 13 footage present: expected its footage in data/, found none" in done.stdout


def test_bag_with_a_file_added_fails(exported: Exported) -> None:
    bag = _copy(exported, "added")
    (bag / "data/KZ-AST-0003/99-KZ-AST-0003_000003.mp4").write_bytes(b"planted footage")
    _reseal(bag)
    bagit.Bag(str(bag)).validate()
    done = _verify(exported, bag)
    assert done.returncode == 1
    assert "FAIL data/KZ-AST-0003/99-KZ-AST-0003_000003.mp4 matches its leaf" in done.stdout


def test_bag_from_a_forked_log_fails_against_the_auditors_checkpoint(
    exported: Exported, tmp_path: Path
) -> None:
    # The auditor holds the honest checkpoint; the operator starts over with another history.
    held = tmp_path / "held-checkpoint"
    held.write_text((exported.bag / "bodycam-guard/checkpoint").read_text())
    fork = tmp_path / "fork-home"
    fork.mkdir()
    shutil.copy2(exported.home / "log-key", fork / "log-key")
    for device in ("KZ-AST-0003", "KZ-AST-0001", "KZ-AST-0009"):
        assert _run(fork, "bodycam-guard", "ingest", sample_bundle(device)).returncode == 0
    assert _run(fork, "bodycam-guard", "verify").returncode == 0
    done = _export(fork, tmp_path / "forked-bag")
    assert done.returncode == 0, done.stdout + done.stderr
    alone = _verify(exported, tmp_path / "forked-bag")
    assert alone.returncode == 0  # signed by the real key, self-consistent
    done = _verify(exported, tmp_path / "forked-bag", "--checkpoint", str(held))
    assert done.returncode == 1
    assert "FAIL older checkpoint is a prefix of the bag's: expected " in done.stdout
