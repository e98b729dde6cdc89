"""Reads for re-detecting many devices at once: segment facts as columns, the rest as objects.

`segment_facts` reads every `segment` line of some devices with what the store knows
about it, as numpy columns (`SegmentFacts`). The caller decides which are routine
(`domain.routine_footage`); `histories` then reads the rest of each history as the
detector's objects, routine lines and their files as columns only. A handful of
queries serve a whole batch of devices; none runs per segment.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Text, and_, case, cast, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.duty_records import RosteredDutyRow
from bodycam_guard.adapters.db.history_slices import received_file
from bodycam_guard.adapters.db.tables import Bundle, DeviceEventRow, Segment
from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.routine_footage import (
    Flags,
    Ints,
    RegionFacts,
    RoutineSegments,
    SegmentFacts,
)
from bodycam_guard.domain.timeline import DeviceHistory, ReceivedLog, place_events

_E = DeviceEventRow
_S = Segment
_CHUNK = 500
"""Bound parameters per IN list (SQLite allows 32,766; PostgreSQL 65,535)."""


class SqlRegionReads:
    """Batch reads over many devices' histories."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def devices(self) -> list[str]:
        """Every device with a stored bundle, in id order."""
        return list(self._s.scalars(select(Bundle.device_id).distinct().order_by(Bundle.device_id)))

    def segment_facts(self, devices: Sequence[str]) -> RegionFacts:
        """What the store knows about every `segment` line of these devices."""
        batch = tuple(sorted(devices))
        db = self._s.connection()
        rows = _plain_rows(db, _facts_query(batch))
        columns = list(zip(*rows, strict=True)) if rows else [()] * 12

        def ints(i: int) -> Ints:
            return np.array(columns[i], dtype=np.int64)

        known = np.array(batch)
        line_id, file_id = ints(0), ints(8)
        # A file stored twice joins its line twice; a file named twice joins two lines.
        _, one, joins = np.unique(line_id, return_index=True, return_counts=True)
        files, namings = np.unique(file_id, return_counts=True)
        named_twice = files[(namings > 1) & (files >= 0)]
        stored_twice = line_id[one][joins > 1]
        bundle_id, line, seq = ints(2)[one], ints(3)[one], ints(4)[one]
        prev_seq, next_seq, next_is_undock = self._neighbours(db, batch, bundle_id, line, seq)
        deletes = db.execute(
            select(_E.device_id, _E.file_seq).where(
                _E.device_id.in_(batch), _E.event == "delete", _E.file_seq.is_not(None)
            )
        ).all()
        deleted = np.array(db.execute(_deleted_by_name(batch)).scalars().all(), dtype=np.int64)
        stored = dict(
            db.execute(
                select(_S.device_id, func.count())
                .where(_S.device_id.in_(batch))
                .group_by(_S.device_id)
            ).all()
        )
        return RegionFacts(
            devices=batch,
            facts=SegmentFacts(
                device=np.searchsorted(known, np.array(columns[1], dtype=known.dtype))[one],
                seq=seq,
                prev_seq=prev_seq,
                next_seq=next_seq,
                next_is_undock=next_is_undock,
                file_seq=ints(5)[one],
                start_us=ints(6)[one],
                end_us=ints(7)[one],
                named_once=~np.isin(file_id[one], named_twice),
                stored_once=~np.isin(line_id[one], stored_twice) & (file_id[one] >= 0),
                deleted=np.isin(line_id[one], deleted),
                readable=np.array(columns[10], dtype=np.bool_)[one],
                hashes_agree=np.array(columns[11], dtype=np.bool_)[one],
                span_s=np.array(columns[9], dtype=np.float64)[one],
                deletes_device=np.searchsorted(
                    known, np.array([d for d, _ in deletes], dtype=known.dtype)
                ).astype(np.int64),
                deletes_file_seq=np.array([s for _, s in deletes], dtype=np.int64),
            ),
            line_id=line_id[one],
            bundle_id=bundle_id,
            line=line,
            file_id=file_id[one],
            stored_files=np.array([stored.get(d, 0) for d in batch], dtype=np.int64),
            joined_line=line_id,
            joined_file=file_id,
        )

    @staticmethod
    def _neighbours(
        db: Connection, batch: Sequence[str], bundle_id: Ints, line: Ints, seq: Ints
    ) -> tuple[Ints, Ints, Flags]:
        """The event counters of the lines before and after each segment line in its bundle.

        The other lines are few (undock, dock, battery, ...): read as columns and merged
        with the segment lines by (bundle, line number); a skipped line number leaves -1.
        """
        others = _plain_rows(
            db,
            select(_E.bundle_id, _E.line, _E.seq, case((_E.event == "undock", 1), else_=0)).where(
                _E.device_id.in_(batch), _E.event != "segment"
            ),
        )
        other = np.array(others, dtype=np.int64).reshape(-1, 4)
        key = np.concatenate((bundle_id * (1 << 32) + line, other[:, 0] * (1 << 32) + other[:, 1]))
        every_seq = np.concatenate((seq, other[:, 2]))
        undock = np.concatenate((np.zeros(seq.shape[0], dtype=np.int64), other[:, 3]))
        order = np.argsort(key, kind="stable")
        key, every_seq, undock = key[order], every_seq[order], undock[order]
        at = np.searchsorted(key, bundle_id * (1 << 32) + line)
        last = key.shape[0] - 1
        before = np.maximum(at - 1, 0)
        after = np.minimum(at + 1, max(last, 0))
        has_before = (at > 0) & (key[before] == key[at] - 1)
        has_after = (at < last) & (key[after] == key[at] + 1)
        return (
            np.where(has_before, every_seq[before], -1),
            np.where(has_after, every_seq[after], -1),
            has_after & (undock[after] == 1),
        )

    def histories(self, region: RegionFacts, routine: Flags) -> dict[str, DeviceHistory]:
        """Each device's history: routine segments as columns, every other line and file as objects."""
        devices = region.devices
        bundles = list(
            self._s.execute(
                select(
                    Bundle.id,
                    Bundle.device_id,
                    Bundle.name,
                    Bundle.log_path,
                    Bundle.log_sha256,
                    Bundle.log_listed_sha256,
                    Bundle.signature_status,
                )
                .where(Bundle.device_id.in_(devices))
                .order_by(Bundle.device_id, Bundle.docked_at, Bundle.id)
            )
        )
        names = {b.id: b.name for b in bundles}
        order = {b.id: n for n, b in enumerate(bundles)}
        first: dict[str, int] = {}
        for n, b in enumerate(bundles):
            first.setdefault(b.device_id, n)
        by_id = sorted((b.id, n - first[b.device_id]) for n, b in enumerate(bundles))
        bundle_ids = np.array([i for i, _ in by_id], dtype=np.int64)
        positions = np.array([p for _, p in by_id], dtype=np.int64)
        kept_lines = region.line_id[~routine]
        events = self._events(devices, kept_lines)
        events.sort(key=lambda r: (order[r.bundle_id], r.line))
        files = self._files(region, routine)
        duties = self._s.scalars(
            select(RosteredDutyRow)
            .where(RosteredDutyRow.device_id.in_(devices))
            .order_by(RosteredDutyRow.device_id, RosteredDutyRow.start)
        )
        by_device: dict[str, dict[str, list[Any]]] = {
            d: {"events": [], "files": [], "logs": [], "roster": [], "bundles": []} for d in devices
        }
        for b in bundles:
            own = by_device[b.device_id]
            own["bundles"].append(b.name)
            own["logs"].append(
                ReceivedLog(
                    bundle=b.name,
                    path=b.log_path,
                    sha256=b.log_sha256,
                    listed_sha256=b.log_listed_sha256,
                    signature=b.signature_status,
                )
            )
        for r in events:
            by_device[r.device_id]["events"].append(
                (
                    names[r.bundle_id],
                    DeviceEvent(seq=r.seq, ts=r.ts, event=r.event, fields=r.fields, line=r.line),
                )
            )
        for r in files:
            by_device[r.device_id]["files"].append(received_file(r, names[r.bundle_id]))
        for duty in duties:
            by_device[duty.device_id]["roster"].append(
                RosteredDuty(duty.officer_id, duty.device_id, duty.start, duty.end)
            )
        routine_of = _routine_columns(region, routine, bundle_ids, positions)
        return {
            d: DeviceHistory(
                device_id=d,
                events=place_events(own["events"]),
                files=tuple(own["files"]),
                logs=tuple(own["logs"]),
                roster=tuple(own["roster"]),
                routine=routine_of(code, tuple(own["bundles"])),
            )
            for code, (d, own) in enumerate(by_device.items())
        }

    def _events(self, devices: Sequence[str], kept_segment_lines: Ints) -> list[Any]:
        columns = (_E.device_id, _E.bundle_id, _E.line, _E.seq, _E.ts, _E.event, _E.fields)
        rows = list(
            self._s.execute(
                select(*columns).where(_E.device_id.in_(devices), _E.event != "segment")
            )
        )
        for chunk in _chunks(kept_segment_lines):
            rows += self._s.execute(select(*columns).where(_E.id.in_(chunk))).all()
        return rows

    def _files(self, region: RegionFacts, routine: Flags) -> list[Any]:
        """Every stored file of these devices but those of routine segments."""
        columns = (
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
        db = self._s.connection()
        routine_lines = region.line_id[routine]
        wanted = np.unique(
            region.joined_file[
                (region.joined_file >= 0) & ~np.isin(region.joined_line, routine_lines)
            ]
        )
        # Files no line names: only devices storing more files than their lines name hold any.
        unnamed_devices = _devices_with_unnamed(region)
        rows: list[Any] = []
        if unnamed_devices:
            rows += db.execute(
                select(*columns).where(
                    _S.device_id.in_(unnamed_devices),
                    ~exists().where(
                        _E.device_id == _S.device_id, _E.file == _S.path, _E.event == "segment"
                    ),
                )
            ).all()
        for chunk in _chunks(wanted):
            rows += db.execute(select(*columns).where(_S.id.in_(chunk))).all()
        rows.sort(key=lambda r: r.id)
        return rows


def _plain_rows(db: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """The rows as the database driver gives them, for columns that need no type conversion.

    A bulk read of plain numbers and text: skipping SQLAlchemy's per-row processing
    takes a third off reading a region's segment facts.
    """
    result = db.execute(statement)
    rows = list(result.cursor.fetchall()) if result.cursor is not None else []
    result.close()
    return rows


def _devices_with_unnamed(region: RegionFacts) -> list[str]:
    """Devices that stored more files than their segment lines name."""
    joined = region.joined_file >= 0
    _, first = np.unique(region.joined_file[joined], return_index=True)
    line = region.joined_line[joined][first]
    device = region.facts.device[np.searchsorted(region.line_id, line)]
    named = np.bincount(device, minlength=len(region.devices))
    return [
        d for d, n, held in zip(region.devices, named, region.stored_files, strict=True) if held > n
    ]


def _facts_query(devices: Sequence[str]) -> Any:
    """Each segment line with the file stored under its name (a row per copy)."""
    claimed = _E.fields["sha256"].as_string()
    readable = and_(_S.media_error.is_(None), _S.span_s.is_not(None), cast(_S.jumps, Text) == "[]")
    hashes = and_(_S.sha256 == _S.listed_sha256, or_(claimed.is_(None), claimed == _S.sha256))

    def known(column: Any) -> Any:
        # Absent values as -1 (NaN for the span), so each column converts to numpy in one step.
        return func.coalesce(column, -1)

    def holds(condition: Any) -> Any:
        return func.coalesce(case((condition, 1), else_=0), 0)

    return (
        select(
            _E.id,
            _E.device_id,
            _E.bundle_id,
            _E.line,
            _E.seq,
            known(_E.file_seq),
            known(_E.start_us),
            known(_E.end_us),
            known(_S.id),
            _S.span_s,
            holds(readable),
            holds(hashes),
        )
        .select_from(
            DeviceEventRow.__table__.outerjoin(
                _S, and_(_S.device_id == _E.device_id, _S.path == _E.file)
            )
        )
        .where(_E.device_id.in_(devices), _E.event == "segment")
    )


def _deleted_by_name(devices: Sequence[str]) -> Any:
    """Segment lines whose file a `delete` line of the same device names."""
    deletes = select(_E.device_id, _E.file).where(
        _E.device_id.in_(devices), _E.event == "delete", _E.file.is_not(None)
    )
    return select(_E.id).where(
        _E.device_id.in_(devices),
        _E.event == "segment",
        tuple_(_E.device_id, _E.file).in_(deletes),
    )


def _routine_columns(region: RegionFacts, routine: Flags, bundle_ids: Ints, positions: Ints) -> Any:
    """Per device, its routine segments; `positions` gives each bundle's place in its device's log."""
    facts = region.facts
    picked = np.flatnonzero(routine)
    device = facts.device[picked]
    place = positions[np.searchsorted(bundle_ids, region.bundle_id[picked])]

    def of(code: int, bundles: tuple[str, ...]) -> RoutineSegments:
        mine = device == code
        rows = picked[mine]
        if not rows.shape[0]:
            return RoutineSegments.none()
        return RoutineSegments(
            bundles=bundles,
            bundle=place[mine],
            line=region.line[rows],
            seq=facts.seq[rows],
            file_seq=facts.file_seq[rows],
            start_us=facts.start_us[rows],
            span_s=facts.span_s[rows],
        )

    return of


def _chunks(values: Collection[Any] | Ints) -> list[list[int]]:
    ordered = sorted(int(v) for v in values)
    return [ordered[n : n + _CHUNK] for n in range(0, len(ordered), _CHUNK)]
