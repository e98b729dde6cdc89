"""Records kept as bundles are stored so detection reads little: runs of routine footage, name clashes.

A bundle's runs (`domain.segment_runs`) are written with it, and its member lines and
files point at them; bundles stored before runs were kept get theirs from
`build_runs` the first time detection reads them. File names two lines give, or two
stored files carry, are noted in `name_clashes` as they appear.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.history_slices import FILE_COLUMNS, chunks, received_file
from bodycam_guard.adapters.db.tables import (
    Bundle,
    DeviceEventRow,
    NameClashRow,
    Segment,
    SegmentRunRow,
)
from bodycam_guard.domain.device_log import NAMES_A_FILE, DeviceEvent, DeviceLog
from bodycam_guard.domain.segment_runs import SegmentRun, bundle_runs
from bodycam_guard.domain.timeline import ReceivedFile

_BUILD_BATCH = 200
"""Bundles summarised per round of reads when runs are built for older bundles."""


def add_runs(
    session: Session, bundle_id: int, device_id: str, runs: Sequence[SegmentRun]
) -> list[int]:
    """Store a bundle's runs; their row ids, in order."""
    ids = []
    for run in runs:
        row = SegmentRunRow(bundle_id=bundle_id, device_id=device_id, **_columns(run))
        session.add(row)
        session.flush()
        ids.append(row.id)
    return ids


def _columns(run: SegmentRun) -> dict[str, int]:
    return {
        "first_line": run.first_line,
        "last_line": run.last_line,
        "seq_lo": run.seq_lo,
        "seq_hi": run.seq_hi,
        "file_seq_lo": run.file_seq_lo,
        "file_seq_hi": run.file_seq_hi,
        "start_us": run.start_us,
        "end_us": run.end_us,
        "max_shortfall_us": run.max_shortfall_us,
        "max_hole_us": run.max_hole_us,
    }


def note_clashes(
    session: Session, device_id: str, log: DeviceLog, files: Sequence[ReceivedFile]
) -> None:
    """Record a stored bundle's file names that now clash: named by two lines, or stored twice."""
    paths = {f.path for f in files} | {
        p for ev in log.events if ev.event in NAMES_A_FILE and (p := ev.str_field("file"))
    }
    clashing: set[str] = set()
    for chunk in chunks(paths):
        for column, where in (
            (DeviceEventRow.file, DeviceEventRow.device_id == device_id),
            (Segment.path, Segment.device_id == device_id),
        ):
            clashing.update(
                session.scalars(
                    select(column)
                    .where(where, column.in_(chunk))
                    .group_by(column)
                    .having(func.count() > 1)
                )
            )
    known = set(
        session.scalars(
            select(NameClashRow.path).where(
                NameClashRow.device_id == device_id, NameClashRow.path.in_(sorted(clashing))
            )
        )
    )
    session.add_all(NameClashRow(device_id=device_id, path=p) for p in sorted(clashing - known))


def build_runs(session: Session, devices: Sequence[str]) -> int:
    """Summarise the runs of these devices' bundles stored before runs were kept; how many."""
    pending = session.execute(
        select(Bundle.id, Bundle.device_id, Bundle.name).where(
            Bundle.device_id.in_(devices), Bundle.runs_built.is_(False)
        )
    ).all()
    for n in range(0, len(pending), _BUILD_BATCH):
        _build(session, pending[n : n + _BUILD_BATCH])
    return len(pending)


def _build(session: Session, bundles: Sequence[Any]) -> None:
    ids = [b.id for b in bundles]
    lines: dict[int, list[DeviceEvent]] = {i: [] for i in ids}
    e = DeviceEventRow
    for r in session.execute(
        select(e.bundle_id, e.seq, e.ts, e.event, e.fields, e.line)
        .where(e.bundle_id.in_(ids))
        .order_by(e.bundle_id, e.line)
    ):
        lines[r.bundle_id].append(
            DeviceEvent(seq=r.seq, ts=r.ts, event=r.event, fields=r.fields, line=r.line)
        )
    files: dict[int, list[Any]] = {i: [] for i in ids}
    for f in session.execute(select(*FILE_COLUMNS).where(Segment.bundle_id.in_(ids))):
        files[f.bundle_id].append(f)
    member_lines: list[dict[str, Any]] = []
    member_files: list[dict[str, Any]] = []
    for b in bundles:
        runs = bundle_runs(lines[b.id], [received_file(r, b.name) for r in files[b.id]])
        for run, run_id in zip(runs, add_runs(session, b.id, b.device_id, runs), strict=True):
            member_lines.append(
                {"run": run_id, "bundle": b.id, "low": run.first_line, "high": run.last_line}
            )
            member_files += [{"run": run_id, "bundle": b.id, "named": p} for p in run.paths]
    if member_lines:
        # Core statements, executed once per member: no object is loaded or kept.
        events, stored = _table(DeviceEventRow), _table(Segment)
        db = session.connection()
        db.execute(
            update(events)
            .where(
                events.c.bundle_id == bindparam("bundle"),
                events.c.line.between(bindparam("low"), bindparam("high")),
            )
            .values(run_id=bindparam("run")),
            member_lines,
        )
        db.execute(
            update(stored)
            .where(stored.c.bundle_id == bindparam("bundle"), stored.c.path == bindparam("named"))
            .values(run_id=bindparam("run")),
            member_files,
        )
    for chunk in chunks(ids):
        session.execute(update(Bundle).where(Bundle.id.in_(chunk)).values(runs_built=True))


def _table(model: type[DeviceEventRow] | type[Segment]) -> Table:
    """A mapped class's table, typed as a table."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
