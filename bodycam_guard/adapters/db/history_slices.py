"""Stretches of a device's history, read by indexed ranges for incremental detection.

Every read here is bounded by an index: a device's bundles (a few per day), the
lines of named bundles (`bundle_id, line`), its `time_sync` lines (a partial index),
lines by file counter or file name, segments by path, lines by device time, and
counts over event-counter and file-counter ranges. None reads a device's whole log.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.bundle_runs import runs_of_bundles
from bodycam_guard.adapters.db.duty_records import RosteredDutyRow
from bodycam_guard.adapters.db.tables import Bundle, DeviceEventRow, Segment
from bodycam_guard.domain.detection_range import StoredBundle
from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.media import MediaFacts, TimestampJump
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.slice_runs import StoredRun
from bodycam_guard.domain.timeline import ReceivedFile, ReceivedLog

_E = DeviceEventRow
_S = Segment
FILE_COLUMNS = (
    _S.id,
    _S.device_id,
    _S.bundle_id,
    _S.path,
    _S.sha256,
    _S.bytes,
    _S.listed_sha256,
    _S.container,
    _S.creation_time,
    _S.span_s,
    _S.declared_duration_s,
    _S.jumps,
    _S.video_packets,
    _S.audio_packets,
    _S.media_error,
)
"""A stored file's columns, as `received_file` reads them."""
CHUNK = 500
"""Bound parameters per IN list (SQLite allows 32,766; PostgreSQL 65,535)."""


def chunks(values: Collection[Any]) -> list[list[Any]]:
    """The values in order, in lists short enough to bind (numpy numbers as Python numbers)."""
    ordered = sorted(v.item() if isinstance(v, np.generic) else v for v in values)
    return [ordered[n : n + CHUNK] for n in range(0, len(ordered), CHUNK)]


class SqlHistorySlices:
    """Reads of parts of a device's history; nothing here loads it whole."""

    def __init__(self, session: Session) -> None:
        self._s = session

    @property
    def _db(self) -> Connection:
        """The session's connection: these reads need no ORM objects, and skip the ORM's work."""
        return self._s.connection()

    def bundles(self, device_id: str) -> list[StoredBundle]:
        """The device's bundles in log order (docking time, then arrival)."""
        rows = self._db.execute(
            select(
                Bundle.id,
                Bundle.name,
                Bundle.detected,
                Bundle.log_path,
                Bundle.log_sha256,
                Bundle.log_listed_sha256,
                Bundle.signature_status,
            )
            .where(Bundle.device_id == device_id)
            .order_by(Bundle.docked_at, Bundle.id)
        )
        return [
            StoredBundle(
                id=r.id,
                name=r.name,
                detected=r.detected,
                log=received_log(r),
            )
            for r in rows
        ]

    def runs(self, bundle_ids: Collection[int]) -> dict[int, list[StoredRun]]:
        """The stored runs of these bundles, by bundle id, in line order (`adapters.db.bundle_runs`)."""
        return runs_of_bundles(self._s, chunks(bundle_ids))

    def events(
        self, bundle_ids: Collection[int], *, leaving_out: Collection[StoredRun] = ()
    ) -> dict[int, tuple[DeviceEvent, ...]]:
        """The lines of these bundles, each bundle's in line order, but the inner lines of these runs.

        One statement shape whatever the runs (lists bind as expanding parameters); the
        few other lines the edge numbers also match are dropped here.
        """
        found: dict[int, list[DeviceEvent]] = {b: [] for b in bundle_ids}
        edges = {r.id: (r.first_line, r.last_line) for r in leaving_out}
        outside = or_(
            _E.run_id.is_(None),
            _E.run_id.not_in(sorted(edges)),
            _E.line.in_(sorted({line for pair in edges.values() for line in pair})),
        )
        for chunk in chunks(bundle_ids):
            rows = self._db.execute(
                select(_E.bundle_id, _E.line, _E.seq, _E.ts, _E.event, _E.fields, _E.run_id)
                .where(_E.bundle_id.in_(chunk), *([outside] if edges else []))
                .order_by(_E.bundle_id, _E.line)
            )
            for r in rows:
                if r.run_id in edges and r.line not in edges[r.run_id]:
                    continue
                found[r.bundle_id].append(
                    DeviceEvent(seq=r.seq, ts=r.ts, event=r.event, fields=r.fields, line=r.line)
                )
        return {b: tuple(events) for b, events in found.items()}

    def time_syncs(self, device_id: str) -> list[tuple[int, int, int]]:
        """Every `time_sync` line of the device: (bundle id, line, offset in ms)."""
        rows = self._db.execute(
            select(_E.bundle_id, _E.line, _E.fields).where(
                _E.device_id == device_id, _E.event == "time_sync"
            )
        )
        return [
            (r.bundle_id, r.line, offset)
            for r in rows
            if isinstance(offset := r.fields.get("offset_ms"), int) and not isinstance(offset, bool)
        ]

    def files(
        self,
        bundle_ids: Collection[int],
        names: Mapping[int, str],
        *,
        leaving_out: Collection[int] = (),
        but: Collection[str] = (),
    ) -> list[tuple[int, ReceivedFile]]:
        """The files stored with these bundles, as (segment id, file).

        Files of the runs `leaving_out` are not read, but for those under the paths `but`.
        """
        found = []
        runs, kept = sorted(leaving_out), sorted(but)
        outside = or_(_S.run_id.is_(None), _S.run_id.not_in(runs), _S.path.in_(kept))
        for chunk in chunks(bundle_ids):
            rows = self._db.execute(
                select(*FILE_COLUMNS).where(_S.bundle_id.in_(chunk), *([outside] if runs else []))
            )
            found += [(r.id, received_file(r, names[r.bundle_id])) for r in rows]
        return found

    def files_named(
        self, device_id: str, paths: Collection[str], *, excluding: Collection[int] = ()
    ) -> list[tuple[int, int, str]]:
        """Files of the device stored under one of these paths, in bundles not excluded.

        Returns (segment id, bundle id, path) for each.
        """
        found = []
        for chunk in chunks(paths):
            rows = self._db.execute(
                select(_S.id, _S.bundle_id, _S.path).where(
                    _S.device_id == device_id,
                    _S.path.in_(chunk),
                    _S.bundle_id.not_in(list(excluding)),
                )
            )
            found += [(r.id, r.bundle_id, r.path) for r in rows]
        return found

    def files_by_id(
        self, segment_ids: Collection[int], names: Mapping[int, str]
    ) -> list[tuple[int, ReceivedFile]]:
        """These stored files, as (segment id, file); `names` maps their bundle ids to names."""
        found = []
        for chunk in chunks(segment_ids):
            rows = self._db.execute(select(*FILE_COLUMNS).where(_S.id.in_(chunk)))
            found += [(r.id, received_file(r, names[r.bundle_id])) for r in rows]
        return found

    def lines_naming(
        self,
        device_id: str,
        files: Collection[str],
        file_seqs: Collection[int],
        *,
        excluding: Collection[int] = (),
    ) -> list[tuple[int, str, str | None, int | None]]:
        """`segment` and `delete` lines naming one of these files or file counters, outside `excluding`.

        Returns (bundle id, event, file, file_seq) for each.
        """
        found: set[tuple[int, str, str | None, int | None]] = set()
        columns = (_E.bundle_id, _E.event, _E.file, _E.file_seq)
        elsewhere = _E.bundle_id.not_in(list(excluding))
        for chunk in chunks(files):
            rows = self._db.execute(
                select(*columns).where(
                    _E.device_id == device_id, _E.file.is_not(None), _E.file.in_(chunk), elsewhere
                )
            )
            found.update((r[0], r[1], r[2], r[3]) for r in rows)
        for chunk in chunks(file_seqs):
            rows = self._db.execute(
                select(*columns).where(
                    _E.device_id == device_id,
                    _E.file_seq.is_not(None),
                    _E.file_seq.in_(chunk),
                    elsewhere,
                )
            )
            found.update((r[0], r[1], r[2], r[3]) for r in rows)
        return sorted(found, key=lambda r: (r[0], r[1], r[2] or "", r[3] or 0))

    def file_counter_neighbours(
        self, device_id: str, low: int, high: int
    ) -> tuple[tuple[int, set[int]] | None, tuple[int, set[int]] | None]:
        """The nearest file counter below `low` and above `high`, each with the bundles naming it."""
        where = (_E.device_id == device_id, _E.file_seq.is_not(None))
        row = self._db.execute(
            select(
                select(func.max(_E.file_seq)).where(*where, _E.file_seq < low).scalar_subquery(),
                select(func.min(_E.file_seq)).where(*where, _E.file_seq > high).scalar_subquery(),
            )
        ).one()
        nearest: list[int] = [seq for seq in row if seq is not None]
        holders: dict[int, set[int]] = {seq: set() for seq in nearest}
        if nearest:
            rows = self._db.execute(
                select(_E.file_seq, _E.bundle_id).where(*where, _E.file_seq.in_(nearest))
            )
            for seq, bundle_id in rows:
                if seq is not None:
                    holders[seq].add(bundle_id)
        below: int | None = row[0]
        above: int | None = row[1]
        return (
            None if below is None else (below, holders[below]),
            None if above is None else (above, holders[above]),
        )

    def count_seqs(self, device_id: str, low: int, high: int) -> tuple[int, bool, bool]:
        """Lines with an event counter in [low, high]; whether any lie below, whether any above."""
        return self._count(_E.seq, (_E.device_id == device_id,), low, high)

    def count_file_seqs(self, device_id: str, low: int, high: int) -> tuple[int, bool, bool]:
        """`segment`/`delete` lines with a file counter in [low, high]; whether any lie below, above."""
        column = _E.file_seq
        return self._count(column, (_E.device_id == device_id, column.is_not(None)), low, high)

    def _count(
        self, column: Any, where: Sequence[Any], low: int, high: int
    ) -> tuple[int, bool, bool]:
        # One round trip: an index range count and two index probes.
        row = self._db.execute(
            select(
                select(func.count()).where(*where, column.between(low, high)).scalar_subquery(),
                select(_E.id).where(*where, column < low).limit(1).exists(),
                select(_E.id).where(*where, column > high).limit(1).exists(),
            )
        ).one()
        return int(row[0] or 0), bool(row[1]), bool(row[2])

    def bundles_logging_between(self, device_id: str, start: datetime, end: datetime) -> set[int]:
        """Bundles with a line whose device time lies in [start, end]."""
        rows = self._db.scalars(
            select(_E.bundle_id)
            .where(_E.device_id == device_id, _E.ts.between(start, end))
            .distinct()
        )
        return set(rows)

    def duties(self, device_id: str, start: datetime, end: datetime) -> list[RosteredDuty]:
        """Rostered duties with this camera overlapping [start, end]."""
        r = RosteredDutyRow
        rows = self._s.scalars(
            select(r)
            .where(r.device_id == device_id, and_(r.start <= end, r.end >= start))
            .order_by(r.start)
        )
        return [
            RosteredDuty(officer_id=d.officer_id, device_id=d.device_id, start=d.start, end=d.end)
            for d in rows
        ]

    def mark_detected(self, bundle_ids: Collection[int]) -> None:
        """Record that detection has run over these bundles."""
        for chunk in chunks(bundle_ids):
            self._s.execute(update(Bundle).where(Bundle.id.in_(chunk)).values(detected=True))


def received_log(row: Any) -> ReceivedLog:
    """A stored bundle's device log (a mapped `Bundle` or a row of its columns) as the detector reads it."""
    return ReceivedLog(
        bundle=row.name,
        path=row.log_path,
        sha256=row.log_sha256,
        listed_sha256=row.log_listed_sha256,
        signature=row.signature_status,
    )


def received_file(row: Any, bundle: str) -> ReceivedFile:
    """A stored segment (a mapped `Segment` or a row of its columns) as the detector reads it."""
    media = None
    if row.media_error is None and row.span_s is not None:
        media = MediaFacts(
            container=row.container or "",
            creation_time=row.creation_time,
            span_s=row.span_s,
            declared_duration_s=row.declared_duration_s,
            jumps=tuple(TimestampJump(a, b) for a, b in row.jumps or []),
            video_packets=row.video_packets or 0,
            audio_packets=row.audio_packets or 0,
        )
    return ReceivedFile(
        bundle=bundle,
        path=row.path,
        sha256=row.sha256,
        bytes=row.bytes,
        listed_sha256=row.listed_sha256,
        media=media,
        media_error=row.media_error,
    )
