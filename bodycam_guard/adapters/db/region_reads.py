"""Reads for detecting many devices' whole histories: routine footage as columns, the rest as objects.

A bundle's runs of routine footage are summarised when it is stored (`segment_runs`,
`domain.segment_runs`); bundles stored before that are summarised here the first time
they are read (`build_runs`). `segment_facts` reads the runs and, as numpy columns,
every `segment` line outside them, with what the store knows about each; the caller
decides which runs still hold (`domain.routine_footage.sound_runs`), `expand` reads
the lines of those that do not, the caller decides which lines are routine, and
`histories` reads the rest of each history as the detector's objects. A handful of
queries serve a whole batch of devices; none runs per segment.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.duty_records import RosteredDutyRow
from bodycam_guard.adapters.db.history_slices import received_file
from bodycam_guard.adapters.db.repositories import run_columns
from bodycam_guard.adapters.db.tables import (
    Bundle,
    DeviceEventRow,
    NameClashRow,
    Segment,
    SegmentRunRow,
)
from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.routine_footage import (
    Flags,
    Ints,
    RegionFacts,
    RoutineSegments,
    RunFacts,
    SegmentFacts,
    span_us,
)
from bodycam_guard.domain.segment_runs import bundle_runs
from bodycam_guard.domain.timeline import DeviceHistory, ReceivedLog, place_events

_E = DeviceEventRow
_S = Segment
_R = SegmentRunRow
_CHUNK = 500
"""Bound parameters per IN list (SQLite allows 32,766; PostgreSQL 65,535)."""
_BUILD_BATCH = 200
"""Bundles summarised per round of reads when runs are built for older bundles."""
_FILE_COLUMNS = (
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


class SqlRegionReads:
    """Batch reads over many devices' histories."""

    def __init__(self, session: Session) -> None:
        self._s = session
        self._odd: dict[tuple[str, ...], dict[str, Any]] = {}

    def devices(self) -> list[str]:
        """Every device with a stored bundle, in id order."""
        return list(self._s.scalars(select(Bundle.device_id).distinct().order_by(Bundle.device_id)))

    def build_runs(self, devices: Sequence[str]) -> int:
        """Summarise the runs of these devices' bundles stored before runs were kept; how many."""
        pending = self._s.execute(
            select(Bundle.id, Bundle.device_id, Bundle.name).where(
                Bundle.device_id.in_(devices), Bundle.runs_built.is_(False)
            )
        ).all()
        for n in range(0, len(pending), _BUILD_BATCH):
            self._build(pending[n : n + _BUILD_BATCH])
        return len(pending)

    def _build(self, bundles: Sequence[Any]) -> None:
        ids = [b.id for b in bundles]
        lines: dict[int, list[DeviceEvent]] = {i: [] for i in ids}
        for r in self._s.execute(
            select(_E.bundle_id, _E.seq, _E.ts, _E.event, _E.fields, _E.line)
            .where(_E.bundle_id.in_(ids))
            .order_by(_E.bundle_id, _E.line)
        ):
            lines[r.bundle_id].append(
                DeviceEvent(seq=r.seq, ts=r.ts, event=r.event, fields=r.fields, line=r.line)
            )
        files: dict[int, list[Any]] = {i: [] for i in ids}
        for f in self._s.execute(select(*_FILE_COLUMNS).where(_S.bundle_id.in_(ids))):
            files[f.bundle_id].append(f)
        member_lines: list[dict[str, Any]] = []
        member_files: list[dict[str, Any]] = []
        for b in bundles:
            received = [received_file(r, b.name) for r in files[b.id]]
            for run in bundle_runs(lines[b.id], received):
                row = _R(bundle_id=b.id, device_id=b.device_id, **run_columns(run))
                self._s.add(row)
                self._s.flush()
                member_lines.append(
                    {"run": row.id, "bundle": b.id, "low": run.first_line, "high": run.last_line}
                )
                member_files += [{"run": row.id, "bundle": b.id, "named": p} for p in run.paths]
        if member_lines:
            # Core statements, executed once per member: no object is loaded or kept.
            events, stored = _table(DeviceEventRow), _table(Segment)
            db = self._s.connection()
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
                .where(
                    stored.c.bundle_id == bindparam("bundle"), stored.c.path == bindparam("named")
                )
                .values(run_id=bindparam("run")),
                member_files,
            )
        self._s.execute(update(Bundle).where(Bundle.id.in_(ids)).values(runs_built=True))

    def segment_facts(self, devices: Sequence[str]) -> RegionFacts:
        """The stored runs of these devices, and every `segment` line outside them, with its facts."""
        batch = tuple(sorted(devices))
        db = self._s.connection()
        odd = self._odd[batch] = _odd_names(db, batch)
        runs = _runs(db, batch, odd)
        facts, rows = _line_facts(db, batch, _facts_query(batch, _E.run_id.is_(None)), odd)
        return RegionFacts(
            devices=batch,
            facts=facts,
            line_id=rows["line_id"],
            bundle_id=rows["bundle_id"],
            line=rows["line"],
            file_id=rows["file_id"],
            runs=runs,
            sound=np.ones(len(runs), dtype=np.bool_),
        )

    def expand(self, region: RegionFacts, sound: Flags) -> RegionFacts:
        """The same, with the lines of the runs that are not sound among the facts."""
        unsound = region.runs.run_id[~sound]
        if not unsound.shape[0]:
            return replace(region, sound=sound)
        db = self._s.connection()
        odd = self._odd.get(region.devices) or _odd_names(db, region.devices)
        runs = region.runs
        members = [
            and_(_E.bundle_id == int(b), _E.line.between(int(lo), int(hi)))
            for b, lo, hi in zip(
                runs.bundle_id[~sound], runs.first_line[~sound], runs.last_line[~sound], strict=True
            )
        ]
        parts = [
            _line_facts(db, region.devices, _facts_query(region.devices, or_(*chunk)), odd)
            for chunk in (members[n : n + _CHUNK // 5] for n in range(0, len(members), _CHUNK // 5))
        ]
        facts = _concat([region.facts, *(p[0] for p in parts)])
        return replace(
            region,
            facts=facts,
            line_id=np.concatenate([region.line_id, *(p[1]["line_id"] for p in parts)]),
            bundle_id=np.concatenate([region.bundle_id, *(p[1]["bundle_id"] for p in parts)]),
            line=np.concatenate([region.line, *(p[1]["line"] for p in parts)]),
            file_id=np.concatenate([region.file_id, *(p[1]["file_id"] for p in parts)]),
            sound=sound,
        )

    def histories(self, region: RegionFacts, routine: Flags) -> dict[str, DeviceHistory]:
        """Each device's history: routine footage as columns, every other line and file as objects."""
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
        events = self._events(region, region.line_id[~routine])
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

    def _events(self, region: RegionFacts, kept_segment_lines: Ints) -> list[Any]:
        """Every line but the segment lines and the inert lines of sound runs, and the kept segment lines."""
        columns = (_E.device_id, _E.bundle_id, _E.line, _E.seq, _E.ts, _E.event, _E.fields)
        rows = list(
            self._s.execute(
                select(*columns).where(
                    _E.device_id.in_(region.devices), _E.event != "segment", _E.run_id.is_(None)
                )
            )
        )
        runs, unsound = region.runs, ~region.sound
        spans = [
            and_(_E.bundle_id == int(b), _E.line.between(int(lo), int(hi)))
            for b, lo, hi in zip(
                runs.bundle_id[unsound],
                runs.first_line[unsound],
                runs.last_line[unsound],
                strict=True,
            )
        ]
        for n in range(0, len(spans), _CHUNK // 5):
            rows += self._s.execute(
                select(*columns).where(_E.event != "segment", or_(*spans[n : n + _CHUNK // 5]))
            ).all()
        for chunk in _chunks(kept_segment_lines):
            rows += self._s.execute(select(*columns).where(_E.id.in_(chunk))).all()
        return rows

    def _files(self, region: RegionFacts, routine: Flags) -> list[Any]:
        """Every stored file of these devices but those of routine footage."""
        db = self._s.connection()
        rows = list(
            db.execute(
                select(*_FILE_COLUMNS).where(_S.device_id.in_(region.devices), _S.run_id.is_(None))
            ).all()
        )
        unsound = ~region.sound
        wanted = set(region.runs.run_id[unsound].tolist())
        for chunk in _chunks(np.unique(region.runs.bundle_id[unsound])):
            rows += [
                r
                for r in db.execute(
                    select(*_FILE_COLUMNS, _S.run_id).where(_S.bundle_id.in_(chunk))
                )
                if r.run_id in wanted
            ]
        routine_files = set(region.file_id[routine].tolist())
        kept = [r for r in rows if r.id not in routine_files]
        kept.sort(key=lambda r: r.id)
        return kept


def _table(model: type[DeviceEventRow] | type[Segment]) -> Table:
    """A mapped class's table, typed as a table."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _odd_names(db: Connection, batch: Sequence[str]) -> dict[str, Any]:
    """Segment lines whose file another line names, is stored twice, or a `delete` names.

    Each as (line ids, run ids). Clashing names are recorded as bundles are stored
    (`name_clashes`), deletes are few: only the lines naming those are read.
    """
    segment_lines = and_(_E.device_id.in_(batch), _E.event == "segment")
    clashes = select(NameClashRow.device_id, NameClashRow.path).where(
        NameClashRow.device_id.in_(batch)
    )
    deleted = select(_E.device_id, _E.file).where(
        _E.device_id.in_(batch), _E.event == "delete", _E.file.is_not(None)
    )
    found: dict[str, Any] = {"stored_twice": np.empty(0, np.int64)}
    found["stored_twice_runs"] = found["stored_twice"]
    for name, names in (("named_twice", clashes), ("deleted", deleted)):
        pairs = sorted({(d, f) for d, f in db.execute(names).all()})
        rows: list[Any] = []
        for n in range(0, len(pairs), _CHUNK // 2):
            rows += db.execute(
                select(_E.id, func.coalesce(_E.run_id, -1)).where(
                    segment_lines, tuple_(_E.device_id, _E.file).in_(pairs[n : n + _CHUNK // 2])
                )
            ).all()
        found[name] = np.array([r[0] for r in rows], dtype=np.int64)
        found[f"{name}_runs"] = np.array([r[1] for r in rows if r[1] >= 0], dtype=np.int64)
    return found


def _runs(db: Connection, batch: Sequence[str], odd: dict[str, Any]) -> RunFacts:
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


def _line_facts(
    db: Connection, batch: Sequence[str], statement: Any, odd: dict[str, Any]
) -> tuple[SegmentFacts, dict[str, Ints]]:
    rows = _plain_rows(db, statement)
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
    deletes = db.execute(
        select(_E.device_id, _E.file_seq).where(
            _E.device_id.in_(batch), _E.event == "delete", _E.file_seq.is_not(None)
        )
    ).all()
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


def _concat(parts: Sequence[SegmentFacts]) -> SegmentFacts:
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


def _plain_rows(db: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """The rows as the database driver gives them, for columns that need no type conversion.

    A bulk read of plain numbers and text: skipping SQLAlchemy's per-row processing
    takes a third off reading a region's segment facts.
    """
    result = db.execute(statement)
    rows = list(result.cursor.fetchall()) if result.cursor is not None else []
    result.close()
    return rows


def _facts_query(devices: Sequence[str], which: Any) -> Any:
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


def _routine_columns(region: RegionFacts, routine: Flags, bundle_ids: Ints, positions: Ints) -> Any:
    """Per device, its routine footage: sound runs and routine single lines, as rows."""
    facts, runs = region.facts, region.runs
    picked = np.flatnonzero(routine)
    kept = np.flatnonzero(region.sound)
    start = facts.start_us[picked]
    device = np.concatenate((runs.device[kept], facts.device[picked]))
    bundle = np.concatenate((runs.bundle_id[kept], region.bundle_id[picked]))
    rows = {
        "bundle": positions[np.searchsorted(bundle_ids, bundle)],
        "line": np.concatenate((runs.first_line[kept], region.line[picked])),
        "seq_lo": np.concatenate((runs.seq_lo[kept], facts.seq[picked])),
        "seq_hi": np.concatenate((runs.seq_hi[kept], facts.seq[picked])),
        "file_seq_lo": np.concatenate((runs.file_seq_lo[kept], facts.file_seq[picked])),
        "file_seq_hi": np.concatenate((runs.file_seq_hi[kept], facts.file_seq[picked])),
        "start_us": np.concatenate((runs.start_us[kept], start)),
        "end_us": np.concatenate((runs.end_us[kept], start + span_us(facts.span_s[picked]))),
    }

    def of(code: int, bundles: tuple[str, ...]) -> RoutineSegments:
        mine = device == code
        if not mine.any():
            return RoutineSegments.none()
        return RoutineSegments(bundles, **{name: column[mine] for name, column in rows.items()})

    return of


def _chunks(values: Collection[Any] | Ints) -> list[list[Any]]:
    ordered = sorted(v.item() if isinstance(v, np.generic) else v for v in values)
    return [ordered[n : n + _CHUNK] for n in range(0, len(ordered), _CHUNK)]
