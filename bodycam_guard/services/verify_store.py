"""Use case: `bodycam-guard verify`, a full audit of the store by the server itself.

Steps: 1. re-hash every stored blob against its record; 2. rebuild the Merkle
tree from the leaves' bytes and compare every stored node and the root;
3. check every record against its leaf and every leaf has its record;
4. recompute every device chain from the leaves and from the records;
5. check every kept checkpoint (and any an auditor hands in): the signature by
the log key, the origin, and a consistency proof from it to the current tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bodycam_guard.domain import checkpoint, merkle
from bodycam_guard.domain.errors import BodycamGuardError
from bodycam_guard.domain.merkle_proofs import verify_consistency
from bodycam_guard.services.fixity import check_blob
from bodycam_guard.services.ports import BlobStore, LogSigner, TransparencyLog, UnitOfWorkFactory
from bodycam_guard.services.verify_log import (
    Failure,
    Progress,
    check_bundle_records,
    check_leaf_chains,
    check_segment_records,
    recompute_log,
)


@dataclass(slots=True)
class VerifyReport:
    """What `verify` checked, and every failure it found."""

    blobs: int = 0
    leaves: int = 0
    devices: int = 0
    checkpoints: int = 0
    root: bytes = merkle.EMPTY_ROOT
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures


def verify_store(
    *,
    uow: UnitOfWorkFactory,
    blobs: BlobStore,
    signer: LogSigner,
    auditor_checkpoints: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> VerifyReport:
    """Run every check; `auditor_checkpoints` are `(label, signed note)` pairs held outside."""
    report = VerifyReport()
    with uow() as work:
        # 1. Fixity: every blob a record names is stored and hashes as recorded.
        records = work.evidence.blobs()
        for position, record in enumerate(records):
            if progress is not None:
                progress("blobs", position, len(records))
            if failure := check_blob(blobs, record):
                report.failures.append(failure)
        report.blobs = len(records)
        # 2. The tree, rebuilt from the leaves' bytes, equals every stored node and root.
        recomputed = recompute_log(work.log, progress)
        report.failures.extend(recomputed.failures)
        report.leaves, report.root = recomputed.size, recomputed.tree.root()
        # 3-4. Records and leaves agree; device chains recompute from both.
        segments = work.evidence.segments()
        report.failures.extend(check_segment_records(recomputed, segments))
        report.failures.extend(check_bundle_records(recomputed, work.evidence.bundles()))
        report.failures.extend(check_leaf_chains(recomputed))
        report.devices = len({s.device_id for s in segments})
        # 5. Every kept checkpoint, and every one an auditor holds, is a prefix of the tree.
        kept = [
            (f"checkpoint {n} (size {c.size})", c.note)
            for n, c in enumerate(work.checkpoints.all(), 1)
        ]
        for label, note in [*kept, *auditor_checkpoints]:
            report.failures.extend(
                check_checkpoint(label, note, signer=signer, log=work.log, tree=recomputed.tree)
            )
        report.checkpoints = len(kept) + len(auditor_checkpoints)
    return report


def check_checkpoint(
    label: str,
    note: str,
    *,
    signer: LogSigner,
    log: TransparencyLog,
    tree: merkle.MemoryHashStore,
) -> list[Failure]:
    """A signed checkpoint's signature, origin, size and consistency with the current tree."""
    # 5a. Signed by the log key, and naming the log as its origin.
    try:
        body = checkpoint.open_note(note, signer.name, signer.public_key, signer.verify)
        head = checkpoint.parse_checkpoint_body(body)
    except BodycamGuardError as exc:
        return [Failure(f"{label} signature", f"a valid signature by {signer.name}", exc)]
    if head.origin != signer.name:
        return [Failure(f"{label} origin", signer.name, head.origin)]
    # 5b. Not beyond the tree: the log never shrinks.
    if head.size > tree.size:
        return [Failure(f"{label} size", f"<= {tree.size} (the log's size)", head.size)]
    if head.size == 0:
        found = head.root
        return (
            []
            if found == merkle.EMPTY_ROOT
            else [Failure(f"{label} root", merkle.EMPTY_ROOT.hex(), found.hex())]
        )
    # 5c. The consistency proof the log serves (from its stored nodes) takes the checkpoint's
    # root to the root recomputed from the leaves; a fork or a rewrite fails here.
    try:
        proof = log.consistency_proof(head.size, tree.size)
        verify_consistency(head.size, tree.size, proof, head.root, tree.root())
    except BodycamGuardError as exc:
        at_size = tree.root(head.size).hex()
        subject = f"{label} consistency with size {tree.size}"
        return [Failure(subject, head.root.hex(), f"{at_size} ({exc})")]
    return []
