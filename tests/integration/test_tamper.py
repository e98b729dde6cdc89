"""One attack per test on the server's store; `bodycam-guard verify` must catch each.

The attacker has write access to the database and the blob store but not to the
log key. Where a stronger attacker would also rewrite the Merkle nodes to match,
the test does so: only the signed checkpoints then stand in the way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from bodycam_guard.adapters.log_signer import LogSigner
from bodycam_guard.bootstrap import Runtime, bootstrap
from bodycam_guard.cli import main
from bodycam_guard.config import Settings
from bodycam_guard.domain import checkpoint, merkle
from bodycam_guard.services.intake import take_in
from bodycam_guard.services.verify_store import VerifyReport, verify_store
from tests.support import FIXED_NOW, sample_bundle


def _ingest(rt: Runtime, *devices: str) -> None:
    summary = take_in(
        [sample_bundle(device) for device in devices],
        uow=rt.uow,
        blobs=rt.blobs,
        probe=rt.probe,
        clock=rt.clock,
        policy=rt.policy,
        quarantine_root=rt.settings.quarantine,
        signer=rt.signer,
    )
    assert summary.ok


def _verify(rt: Runtime, *held: tuple[str, str]) -> VerifyReport:
    return verify_store(
        uow=rt.uow, blobs=rt.blobs, signer=rt.signer, auditor_checkpoints=list(held)
    )


def _lines(report: VerifyReport) -> list[str]:
    return [f.line() for f in report.failures]


def _sql(rt: Runtime, statement: str, **params: object) -> None:
    with rt.engine.begin() as connection:
        connection.execute(text(statement), params)


def _rebuild_nodes(rt: Runtime) -> None:
    """The strong attacker: recompute every stored node from the (tampered) leaves."""
    with rt.engine.begin() as connection:
        leaves = connection.execute(text('SELECT data FROM log_leaves ORDER BY "index"')).all()
        tree = merkle.MemoryHashStore()
        rows = []
        for (data,) in leaves:
            size = tree.size
            for level, index, value in merkle.nodes_to_store_on_append(
                size, merkle.leaf_hash(data), tree.read
            ):
                rows.append({"level": level, "index": index, "hash": value})
            tree.append(data)
        connection.execute(text("DELETE FROM log_nodes"))
        connection.execute(
            text('INSERT INTO log_nodes (level, "index", hash) VALUES (:level, :index, :hash)'),
            rows,
        )


@pytest.fixture
def stored(runtime: Runtime) -> Runtime:
    _ingest(runtime, "KZ-AST-0001", "KZ-AST-0005")
    assert _verify(runtime).ok
    return runtime


def _segment(rt: Runtime, leaf_index: int = 2) -> tuple[int, str, int, int]:
    """A segment record by its leaf: leaf 2 is KZ-AST-0001 file_seq 1, leaf 4 file_seq 3."""
    with rt.engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, sha256, bytes, leaf_index FROM segments WHERE leaf_index = :i"),
            {"i": leaf_index},
        ).one()
    return row[0], row[1], row[2], row[3]


def test_byte_flipped_in_a_stored_blob(stored: Runtime) -> None:
    _, sha256, _, _ = _segment(stored)
    blob = stored.blobs.path_of(sha256)
    blob.chmod(0o644)
    data = bytearray(blob.read_bytes())
    data[100] ^= 0x01
    blob.write_bytes(bytes(data))
    lines = _lines(_verify(stored))
    assert len(lines) == 1
    assert lines[0].startswith(
        f"FAIL blob KZ-AST-0001_20261124T063302Z/media/KZ-AST-0001_000001.mp4 sha256: expected {sha256}, found "
    )


def test_blob_truncated(stored: Runtime) -> None:
    _, sha256, _, _ = _segment(stored)
    blob = stored.blobs.path_of(sha256)
    blob.chmod(0o644)
    blob.write_bytes(blob.read_bytes()[:1000])
    lines = _lines(_verify(stored))
    assert len(lines) == 1 and f"sha256: expected {sha256}, found " in lines[0]


def test_blob_replaced_and_its_recorded_hash_updated_to_match(stored: Runtime) -> None:
    row_id, sha256, _, leaf_index = _segment(stored)
    forged = stored.blobs.put_bytes(b"not the footage the camera recorded")
    _sql(
        stored,
        "UPDATE segments SET sha256 = :sha, bytes = :size WHERE id = :id",
        sha=forged.sha256,
        size=forged.bytes,
        id=row_id,
    )
    lines = _lines(_verify(stored))
    assert any(
        line.startswith(
            f"FAIL segment KZ-AST-0001_20261124T063302Z/media/KZ-AST-0001_000001.mp4 leaf {leaf_index} sha256: expected {sha256}, found {forged.sha256}"
        )
        for line in lines
    ), lines
    assert any("FAIL chain of KZ-AST-0001 at file_seq 1" in line for line in lines)


def test_segment_row_deleted(stored: Runtime) -> None:
    row_id, _, _, leaf_index = _segment(stored, 4)
    _sql(stored, "DELETE FROM segments WHERE id = :id", id=row_id)
    lines = _lines(_verify(stored))
    assert (
        f"FAIL segment record of leaf {leaf_index} (KZ-AST-0001_20261124T063302Z/media/KZ-AST-0001_000003.mp4): expected present, found missing"
        in lines
    )
    assert any(
        line.startswith("FAIL chain of KZ-AST-0001 at file_seq 4: expected ") for line in lines
    )


def test_newest_leaves_deleted(stored: Runtime) -> None:
    with stored.uow() as work:
        size = work.log.size()
    keep = size - 3
    _sql(stored, 'DELETE FROM log_leaves WHERE "index" >= :keep', keep=keep)
    _sql(stored, 'DELETE FROM log_nodes WHERE (("index" + 1) << level) > :keep', keep=keep)
    lines = _lines(_verify(stored))
    assert (
        f"FAIL checkpoint 2 (size {size}) size: expected <= {keep} (the log's size), found {size}"
        in lines
    )
    assert any(
        line.startswith("FAIL segment ")
        and f"leaf {keep}: expected a segment leaf, found none" in line
        for line in lines
    )


def test_two_leaves_reordered_with_the_tree_rebuilt(stored: Runtime) -> None:
    with stored.engine.begin() as connection:
        a, b = connection.execute(
            text('SELECT data FROM log_leaves WHERE "index" IN (3, 4) ORDER BY "index"')
        ).scalars()
        connection.execute(text('UPDATE log_leaves SET data = :d WHERE "index" = 3'), {"d": b})
        connection.execute(text('UPDATE log_leaves SET data = :d WHERE "index" = 4'), {"d": a})
    _rebuild_nodes(stored)
    lines = _lines(_verify(stored))
    assert any(
        line.startswith("FAIL checkpoint 1 (size 9) consistency with size ") for line in lines
    )
    assert any(
        line.startswith("FAIL leaf 4 file_seq of KZ-AST-0001: expected > 3, found 2")
        for line in lines
    )
    assert any(" leaf 3 file_seq: expected 3, found 2" in line for line in lines)


def test_a_leaf_edited(stored: Runtime) -> None:
    with stored.engine.begin() as connection:
        data = connection.execute(
            text('SELECT data FROM log_leaves WHERE "index" = 5')
        ).scalar_one()
        edited = data.replace(b'"bytes":', b'"bytes":1')
        connection.execute(text('UPDATE log_leaves SET data = :d WHERE "index" = 5'), {"d": edited})
    lines = _lines(_verify(stored))
    assert any(
        line.startswith(
            f"FAIL log node (0, 5): expected {merkle.leaf_hash(edited).hex()}, found {merkle.leaf_hash(data).hex()}"
        )
        for line in lines
    ), lines
    assert any(line.startswith("FAIL log root at size ") for line in lines)
    assert any(" leaf 5 bytes: expected 1" in line for line in lines)


def test_database_rolled_back_and_a_different_history_appended(
    settings: Settings, tmp_path: Path
) -> None:
    rt = bootstrap(settings, clock=lambda: FIXED_NOW)
    _ingest(rt, "KZ-AST-0001")
    database = settings.home / "bodycam-guard.db"
    saved = tmp_path / "older-copy.db"
    with sqlite3.connect(database) as live, sqlite3.connect(saved) as copy:
        live.backup(copy)
    _ingest(rt, "KZ-AST-0005")
    with rt.uow() as work:
        auditor_holds = work.checkpoints.latest()
    assert auditor_holds is not None
    rt.engine.dispose()
    # The operator restores the older copy, then appends other entries in place of the lost ones.
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    saved.replace(database)
    forked = bootstrap(settings, clock=lambda: FIXED_NOW)
    _ingest(forked, "KZ-AST-0009", "KZ-AST-0010")
    with forked.uow() as work:
        assert work.log.size() >= auditor_holds.size
    assert _verify(forked).ok  # on its own, the rewritten store is self-consistent
    held = ("auditor's checkpoint", auditor_holds.note)
    lines = _lines(_verify(forked, held))
    assert len(lines) == 1
    assert (
        lines[0].startswith("FAIL auditor's checkpoint consistency with size ")
        and f"expected {auditor_holds.root.hex()}, found " in lines[0]
    )
    forked.engine.dispose()


def test_checkpoint_with_a_forged_signature(stored: Runtime) -> None:
    forger = LogSigner(stored.signer.name, Ed25519PrivateKey.from_private_bytes(bytes(32)))
    with stored.uow() as work:
        size = work.log.size()
        root = work.log.root(size)
    forged = forger.sign_checkpoint(checkpoint.Checkpoint(stored.signer.name, size, root))
    _sql(stored, "UPDATE checkpoints SET note = :note WHERE size = :size", note=forged, size=size)
    lines = _lines(_verify(stored))
    assert len(lines) == 1
    assert lines[0].startswith(
        f"FAIL checkpoint 2 (size {size}) signature: expected a valid signature by {stored.signer.name}, found "
    )


def test_verify_command_exits_1_and_prints_expected_vs_found(
    stored: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BODYCAM_GUARD_HOME", str(stored.settings.home))
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.startswith("VALID: checked 17 blobs, 17 leaves")
    _, sha256, _, _ = _segment(stored)
    stored.blobs.path_of(sha256).chmod(0o644)
    stored.blobs.path_of(sha256).unlink()
    assert main(["verify"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "FAIL blob KZ-AST-0001_20261124T063302Z/media/KZ-AST-0001_000001.mp4: "
        f"expected stored as {sha256}, found missing"
    )
    assert out[-1].startswith("INVALID: 1 failures; checked 17 blobs")
