"""The facts of many devices' segment lines and runs, read as numpy columns.

Bulk reads for `region_reads`: each segment line outside runs (or in runs that fail
their checks) with the file stored under its name, its neighbours in its bundle, the
stored runs, and the lines whose names clash or a `delete` names. A handful of queries
per batch of devices; none per segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Text, and_, case, cast, func, or_, select, tuple_

from bodycam_guard.adapters.db.history_slices import CHUNK
from bodycam_guard.adapters.db.tables import DeviceEventRow, NameClashRow, Segment, SegmentRunRow
from bodycam_guard.domain.routine_footage import Flags, Ints, RunFacts, SegmentFacts

_E = DeviceEventRow
_S = Segment
_R = SegmentRunRow


def odd_names(db: Connection, batch: Sequence[str]) -> dict[str, Any]:
    """Segment lines whose file another line names, is stored twice, or a `delete` names.

    Each as (line ids, run ids). Clashing names are recorded as bundles are stored
    (`name_clashes`), deletes are few: only the lines naming those are read.
    """
    segment_lines = and_(_E.device_id.in_(batch), _E.event == "segment")
    clashes = select(NameClashRow.device_id, NameClashRow.path).where(
        NameClashRow.device_id.in_(batch)
    )
    # Only `event = 'delete'`: the deletes index answers it (a test on `file` would pick another).
    deleted = select(_E.device_id, _E.file).where(_E.device_id.in_(batch), _E.event == "delete")
    found: dict[str, Any] = {"stored_twice": np.empty(0, np.int64)}
    found["stored_twice_runs"] = found["stored_twice"]
    for name, names in (("named_twice", clashes), ("deleted", deleted)):
        pairs = sorted({(d, f) for d, f in db.execute(names).all() if f is not None})
        rows: list[Any] = []
        for n in range(0, len(pairs), CHUNK // 2):
            rows += db.execute(
                select(_E.id, func.coalesce(_E.run_id, -1)).where(
                    segment_lines, tuple_(_E.device_id, _E.file).in_(pairs[n : n + CHUNK // 2])
                )
            ).all()
        found[name] = np.array([r[0] for r in rows], dtype=np.int64)
        found[f"{name}_runs"] = np.array([r[1] for r in rows if r[1] >= 0], dtype=np.int64)
    return found


def stored_runs(db: Connection, batch: Sequence[str], odd: dict[str, Any]) -> RunFacts:
    rows = db.execute(
        select(
            _R.device_id,
            _R.id,
            _R.bundle_id,
            _R.first_line,
            _R.last_line,
            _R.seq_lo,
            _R.seq_hi,
            _R.file_seq_lo,
            _R.file_seq_hi,
            _R.start_us,
            _R.end_us,
            _R.max_shortfall_us,
            _R.max_hole_us,
        ).where(_R.device_id.in_(batch))
    ).all()
    if not rows:
        return RunFacts.none()
    known = np.array(batch)
    columns = list(zip(*rows, strict=True))
    ints = [np.array(c, dtype=np.int64) for c in columns[1:]]
    elsewhere = np.concatenate(
        [odd["named_twice_runs"], odd["stored_twice_runs"], odd["deleted_runs"]]
    )
    run_id, bundle_id, first, last, seq_lo, seq_hi, fs_lo, fs_hi, start, end, short, hole = ints
    return RunFacts(
        device=np.searchsorted(known, np.array(columns[0], dtype=known.dtype)).astype(np.int64),
        run_id=run_id,
        bundle_id=bundle_id,
        first_line=first,
        last_line=last,
        seq_lo=seq_lo,
        seq_hi=seq_hi,
        file_seq_lo=fs_lo,
        file_seq_hi=fs_hi,
        start_us=start,
        end_us=end,
        max_shortfall_us=short,
        max_hole_us=hole,
        named_elsewhere=np.isin(run_id, elsewhere),
    )


def line_facts(
    db: Connection, batch: Sequence[str], statement: Any, odd: dict[str, Any]
) -> tuple[SegmentFacts, dict[str, Ints]]:
    rows = plain_rows(db, statement)
    columns = list(zip(*rows, strict=True)) if rows else [()] * 12

    def ints(i: int) -> Ints:
        return np.array(columns[i], dtype=np.int64)

    known = np.array(batch)
    # A file stored twice joins its line twice: one row per line (such a line is not routine).
    line_id_all = ints(0)
    _, one = np.unique(line_id_all, return_index=True)
    line_id, file_id = line_id_all[one], ints(8)[one]
    bundle_id, line, seq = ints(2)[one], ints(3)[one], ints(4)[one]
    prev_seq, next_seq, next_is_undock = _neighbours(db, batch, bundle_id, line, seq)
    deletes = [
        row
        for row in db.execute(
            select(_E.device_id, _E.file_seq).where(_E.device_id.in_(batch), _E.event == "delete")
        )
        if row.file_seq is not None
    ]
    facts = SegmentFacts(
        device=np.searchsorted(known, np.array(columns[1], dtype=known.dtype))[one],
        seq=seq,
        prev_seq=prev_seq,
        next_seq=next_seq,
        next_is_undock=next_is_undock,
        file_seq=ints(5)[one],
        start_us=ints(6)[one],
        end_us=ints(7)[one],
        named_once=~np.isin(line_id, odd["named_twice"]),
        stored_once=~np.isin(line_id, odd["stored_twice"]) & (file_id >= 0),
        deleted=np.isin(line_id, odd["deleted"]),
        readable=np.array(columns[10], dtype=np.bool_)[one],
        hashes_agree=np.array(columns[11], dtype=np.bool_)[one],
        span_s=np.array(columns[9], dtype=np.float64)[one],
        deletes_device=np.searchsorted(
            known, np.array([d for d, _ in deletes], dtype=known.dtype)
        ).astype(np.int64),
        deletes_file_seq=np.array([s for _, s in deletes], dtype=np.int64),
    )
    return facts, {"line_id": line_id, "bundle_id": bundle_id, "line": line, "file_id": file_id}


def concat_facts(parts: Sequence[SegmentFacts]) -> SegmentFacts:
    """Facts of more lines: the per-line columns joined, the per-device deletes kept once."""
    first = parts[0]
    return SegmentFacts(
        **{
            name: (
                getattr(first, name)
                if name.startswith("deletes_")
                else np.concatenate([getattr(p, name) for p in parts])
            )
            for name in SegmentFacts.__slots__
        }
    )


def _neighbours(
    db: Connection, batch: Sequence[str], bundle_id: Ints, line: Ints, seq: Ints
) -> tuple[Ints, Ints, Flags]:
    """The event counters of the lines before and after each segment line in its bundle.

    The other lines are few (undock, dock, battery, ...): read as columns and merged with
    the segment lines by (bundle, line number). A neighbour not read (a skipped line
    number, or a line inside a run) leaves -1, and the line is not routine.
    """
    others = plain_rows(
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


def plain_rows(db: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """The rows as the database driver gives them, for columns that need no type conversion.

    A bulk read of plain numbers and text: skipping SQLAlchemy's per-row processing
    takes a third off reading a region's segment facts.
    """
    result = db.execute(statement)
    rows = list(result.cursor.fetchall()) if result.cursor is not None else []
    result.close()
    return rows


def facts_query(devices: Sequence[str], which: Any) -> Any:
    """Each segment line (of those `which` picks) with the file stored under its name, a row per copy."""
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
        .where(_E.device_id.in_(devices), _E.event == "segment", which)
    )
