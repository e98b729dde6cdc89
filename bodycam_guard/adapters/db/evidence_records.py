"""Records read and linked for the integrity model: chain heads, leaf links, blobs to re-hash."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, null, select, update
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.tables import Bundle, Segment
from bodycam_guard.domain.bundle_leaves import ChainHead
from bodycam_guard.domain.errors import IntegrityError
from bodycam_guard.domain.log_records import BlobRecord, LoggedBundle, LoggedSegment


class SqlEvidenceRecords:
    """Bundles and segments as bound to the log, and the blobs they name."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def chain_head(self, device_id: str) -> ChainHead | None:
        """The device's newest chained segment, or None before its first."""
        row = self._s.execute(
            select(Segment.file_seq, Segment.chain)
            .where(Segment.device_id == device_id, Segment.chain.is_not(None))
            .order_by(Segment.file_seq.desc())
            .limit(1)
        ).first()
        if row is None or row.file_seq is None or row.chain is None:
            return None
        return ChainHead(file_seq=row.file_seq, chain=bytes.fromhex(row.chain))

    def link_bundle(
        self,
        manifest_sha256: str,
        *,
        leaf_index: int,
        log_leaf_index: int,
        files: Sequence[tuple[str, int, str | None]],
    ) -> None:
        """Bind a just-recorded bundle and its files `(path, leaf index, chain hex)` to leaves."""
        bundle = self._s.scalar(select(Bundle).where(Bundle.manifest_sha256 == manifest_sha256))
        if bundle is None:
            raise IntegrityError(f"bundle with manifest {manifest_sha256}: expected, found none")
        bundle.leaf_index, bundle.log_leaf_index = leaf_index, log_leaf_index
        for path, index, chain in files:
            self._s.execute(
                update(Segment)
                .where(Segment.bundle_id == bundle.id, Segment.path == path)
                .values(leaf_index=index, chain=chain)
            )
        self._s.flush()

    def segments(self, device_id: str | None = None) -> list[LoggedSegment]:
        """Every segment record (of one device, if given), by device and file_seq."""
        query = select(Segment, Bundle.name).join(Bundle, Bundle.id == Segment.bundle_id)
        if device_id is not None:
            query = query.where(Segment.device_id == device_id)
        rows = self._s.execute(query.order_by(Segment.device_id, Segment.file_seq, Segment.id))
        return [
            LoggedSegment(
                id=s.id,
                device_id=s.device_id,
                bundle=name,
                path=s.path,
                sha256=s.sha256,
                bytes=s.bytes,
                file_seq=s.file_seq,
                chain=s.chain,
                leaf_index=s.leaf_index,
            )
            for s, name in rows
        ]

    def bundles(self, device_id: str | None = None) -> list[LoggedBundle]:
        """Every bundle record (of one device, if given), in the order they were stored."""
        query = select(Bundle)
        if device_id is not None:
            query = query.where(Bundle.device_id == device_id)
        return [
            LoggedBundle(
                id=b.id,
                name=b.name,
                device_id=b.device_id,
                station_id=b.station_id,
                docked_at=b.docked_at,
                manifest_sha256=b.manifest_sha256,
                log_path=b.log_path,
                log_sha256=b.log_sha256,
                log_bytes=b.log_bytes,
                log_signature_sha256=b.log_signature_sha256,
                leaf_index=b.leaf_index,
                log_leaf_index=b.log_leaf_index,
            )
            for b in self._s.scalars(query.order_by(Bundle.id))
        ]

    def blobs(self, after: tuple[int, int] = (0, 0), limit: int | None = None) -> list[BlobRecord]:
        """Blob records after `after` in key order, at most `limit` of them."""
        found: list[BlobRecord] = []
        for kind, (row_id, base) in enumerate(_blob_queries()):
            if kind < after[0]:
                continue
            query = base.where(row_id > (after[1] if kind == after[0] else 0)).order_by(row_id)
            if limit is not None:
                query = query.limit(limit - len(found))
            for key, device_id, sha256, size, label in self._s.execute(query):
                found.append(BlobRecord((kind, key), device_id, sha256, size, label))
            if limit is not None and len(found) >= limit:
                break
        return found


def _blob_queries() -> list[tuple[Any, Select[Any, Any, Any, Any, Any]]]:
    segment_label = Bundle.name + "/" + Segment.path
    return [
        (
            Segment.id,
            select(
                Segment.id, Segment.device_id, Segment.sha256, Segment.bytes, segment_label
            ).join(Bundle, Bundle.id == Segment.bundle_id),
        ),
        (
            Bundle.id,
            select(
                Bundle.id,
                Bundle.device_id,
                Bundle.log_sha256,
                Bundle.log_bytes,
                Bundle.name + "/" + Bundle.log_path,
            ),
        ),
        (
            Bundle.id,
            select(
                Bundle.id,
                Bundle.device_id,
                Bundle.manifest_sha256,
                null(),
                Bundle.name + "/manifest.json",
            ),
        ),
        (
            Bundle.id,
            select(
                Bundle.id,
                Bundle.device_id,
                Bundle.log_signature_sha256,
                null(),
                Bundle.name + "/" + Bundle.log_path + ".sig",
            ).where(Bundle.log_signature_sha256.is_not(None)),
        ),
    ]
