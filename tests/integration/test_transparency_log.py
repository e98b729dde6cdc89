"""The transparency log in the database: dense appends, one-query proofs, ingest leaves, fixity."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.domain import checkpoint, hash_chain, merkle
from bodycam_guard.domain.incidents import IncidentFilter, IncidentKind
from bodycam_guard.domain.merkle_proofs import verify_consistency, verify_inclusion
from bodycam_guard.services.detect import detect_device
from bodycam_guard.services.fixity import sweep_fixity_slice
from bodycam_guard.services.intake import take_in
from bodycam_guard.services.publish_checkpoint import publish_checkpoint
from bodycam_guard.services.verify_store import verify_store
from tests.support import sample_bundle

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _ingest(rt: Runtime, *folders: Path) -> None:
    summary = take_in(
        list(folders),
        uow=rt.uow,
        blobs=rt.blobs,
        probe=rt.probe,
        clock=rt.clock,
        policy=rt.policy,
        quarantine_root=rt.settings.quarantine,
        signer=rt.signer,
    )
    assert summary.ok, summary


@contextmanager
def _count_queries(rt: Runtime) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(rt.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(rt.engine, "before_cursor_execute", record)


def test_batched_appends_match_the_reference_tree(runtime: Runtime) -> None:
    reference = merkle.MemoryHashStore()
    for batch in (1, 2, 5, 64, 300):
        leaves = [f"leaf {reference.size + n}".encode() for n in range(batch)]
        with runtime.uow() as work:
            work.log.append([("review", leaf) for leaf in leaves], AT)
            work.commit()
        for leaf in leaves:
            reference.append(leaf)
    size = reference.size
    with runtime.uow() as work:
        assert work.log.size() == size == 372
        assert work.log.root(size) == reference.root()
        for old in (1, 7, 64, 200, size):
            assert work.log.root(old) == reference.root(old)
            assert work.log.consistency_proof(old, size) == merkle.consistency_proof(
                old, size, reference.read
            )
        for index in (0, 5, 255, 256, 371):
            proof = work.log.inclusion_proof(index, size)
            assert proof == merkle.inclusion_proof(index, size, reference.read)
            leaf = merkle.leaf_hash(f"leaf {index}".encode())
            verify_inclusion(leaf, index, size, proof, reference.root())


def test_a_root_or_proof_reads_its_hashes_in_one_query(runtime: Runtime) -> None:
    with runtime.uow() as work:
        work.log.append([("review", str(n).encode()) for n in range(1000)], AT)
        work.commit()
    with runtime.uow() as work:
        work.log.size()
        with _count_queries(runtime) as seen:
            work.log.inclusion_proof(377, 999)
            work.log.consistency_proof(300, 1000)
            work.log.root(777)
        assert len(seen) == 3, seen


def test_ingest_logs_bundle_device_log_and_segments_in_file_seq_order(runtime: Runtime) -> None:
    _ingest(runtime, sample_bundle("KZ-AST-0001"))
    with runtime.uow() as work:
        size = work.log.size()
        leaves = [json.loads(leaf) for leaf in work.log.leaves(0, size)]
        segments = work.evidence.segments("KZ-AST-0001")
        latest = work.checkpoints.latest()
    assert [leaf["type"] for leaf in leaves] == ["bundle", "device_log"] + ["segment"] * 7
    assert [leaf["file_seq"] for leaf in leaves[2:]] == list(range(1, 8))
    values = hash_chain.recompute(
        "KZ-AST-0001", [(s.file_seq or 0, bytes.fromhex(s.sha256)) for s in segments]
    )
    assert [s.chain for s in segments] == [v.hex() for v in values]
    assert [leaf["chain"] for leaf in leaves[2:]] == [v.hex() for v in values]
    assert [s.leaf_index for s in segments] == list(range(2, 9))
    assert latest is not None and latest.size == size == 9
    body = checkpoint.open_note(
        latest.note, runtime.signer.name, runtime.signer.public_key, runtime.signer.verify
    )
    assert checkpoint.parse_checkpoint_body(body).root == latest.root
    assert (runtime.settings.home / "log-key").stat().st_mode & 0o777 == 0o600


def test_checkpoints_are_kept_and_only_signed_when_the_tree_grew(runtime: Runtime) -> None:
    _ingest(runtime, sample_bundle("KZ-AST-0001"))
    first = publish_checkpoint(uow=runtime.uow, signer=runtime.signer, clock=runtime.clock)
    assert publish_checkpoint(uow=runtime.uow, signer=runtime.signer, clock=runtime.clock) == first
    _ingest(runtime, sample_bundle("KZ-AST-0005"))
    with runtime.uow() as work:
        kept = work.checkpoints.all()
        size = work.log.size()
        proof = work.log.consistency_proof(first.size, size)
        root = work.log.root(size)
    assert [c.size for c in kept] == [9, size]
    verify_consistency(first.size, size, proof, first.root, root)


def test_a_late_file_is_logged_outside_the_chain_which_stays_unbroken(
    runtime: Runtime, copy_sample: Callable[[str], Path]
) -> None:
    _ingest(runtime, sample_bundle("KZ-AST-0001"))
    with runtime.uow() as work:
        head_before = work.evidence.chain_head("KZ-AST-0001")
    # The same files come again in a later bundle (another docking): file_seqs 1..7 are
    # already chained, so each is late.
    again = copy_sample("KZ-AST-0001")
    manifest = json.loads((again / "manifest.json").read_text())
    manifest["docked_at"] = "2026-11-24T09:00:00Z"
    (again / "manifest.json").write_text(json.dumps(manifest))
    moved = again.with_name("KZ-AST-0001_20261124T090000Z")
    shutil.move(again, moved)
    _ingest(runtime, moved)
    with runtime.uow() as work:
        size = work.log.size()
        types = [json.loads(leaf)["type"] for leaf in work.log.leaves(9, size)]
        assert work.evidence.chain_head("KZ-AST-0001") == head_before
        late = json.loads(work.log.leaf(11) or b"")
    assert types == ["bundle", "device_log"] + ["late_segment"] * 7
    assert head_before is not None and late["after_chain"] == head_before.chain.hex()
    report = verify_store(uow=runtime.uow, blobs=runtime.blobs, signer=runtime.signer)
    assert report.ok, [f.line() for f in report.failures]


def test_fixity_sweep_raises_one_integrity_failure_that_detection_keeps(
    runtime: Runtime,
) -> None:
    _ingest(runtime, sample_bundle("KZ-AST-0001"))
    with runtime.uow() as work:
        segment = work.evidence.segments("KZ-AST-0001")[3]
    blob = runtime.blobs.path_of(segment.sha256)
    blob.chmod(0o644)
    blob.write_bytes(blob.read_bytes()[:-1] + b"\x00")

    def sweep(after: tuple[int, int]) -> tuple[tuple[int, int], int, int]:
        done = sweep_fixity_slice(
            uow=runtime.uow,
            blobs=runtime.blobs,
            clock=runtime.clock,
            policy=runtime.policy,
            after=after,
            limit=4,
        )
        return done.next_after, len(done.failures), done.new_incidents

    cursor, failures, new = (0, 0), 0, 0
    for _ in range(6):  # 7 segments + log + manifest = 9 blobs: three slices, then wrap around
        cursor, f, n = sweep(cursor)
        failures, new = failures + f, new + n
    assert (failures, new) == (2, 1)
    detect_device("KZ-AST-0001", uow=runtime.uow, policy=runtime.policy, clock=runtime.clock)
    with runtime.uow() as work:
        found = work.incidents.list(IncidentFilter(kind=IncidentKind.INTEGRITY_FAILURE))
    assert len(found) == 1
    assert found[0].evidence["subject"] == f"blob {segment.bundle}/{segment.path} sha256"
    assert found[0].evidence["expected"] == segment.sha256
