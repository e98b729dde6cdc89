"""Reads for detecting many devices' whole histories: routine footage as columns, the rest as objects.

A bundle's runs of routine footage are summarised when it is stored (`run_records`,
`domain.segment_runs`); bundles stored before that are summarised the first time
they are read (`build_runs`). The bulk queries live in `segment_facts`. `segment_facts` reads the runs and, as numpy columns,
every `segment` line outside them, with what the store knows about each; the caller
decides which runs still hold (`domain.routine_footage.sound_runs`), `expand` reads
the lines of those that do not, the caller decides which lines are routine, and
`histories` reads the rest of each history as the detector's objects. A handful of
queries serve a whole batch of devices; none runs per segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.duty_records import RosteredDutyRow
from bodycam_guard.adapters.db.history_slices import (
    CHUNK,
    FILE_COLUMNS,
    chunks,
    received_file,
    received_log,
)
from bodycam_guard.adapters.db.run_records import build_runs
from bodycam_guard.adapters.db.segment_facts import (
    concat_facts,
    facts_query,
    line_facts,
    odd_names,
    stored_runs,
)
from bodycam_guard.adapters.db.tables import Bundle, DeviceEventRow, Segment
from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.routine_footage import (
    Flags,
    Ints,
    RegionFacts,
    RoutineSegments,
    span_us,
)
from bodycam_guard.domain.timeline import DeviceHistory, place_events

_E = DeviceEventRow
_S = Segment


class SqlRegionReads:
    """Batch reads over many devices' histories."""

    def __init__(self, session: Session) -> None:
        self._s = session
        self._odd: dict[tuple[str, ...], dict[str, Any]] = {}

    def devices(self) -> list[str]:
        """Every device with a stored bundle, in id order."""
        return list(self._s.scalars(select(Bundle.device_id).distinct().order_by(Bundle.device_id)))

    def latest_bundles(self, devices: Sequence[str]) -> dict[str, int]:
        """Each device's newest stored bundle (its row id): a new upload changes it."""
        found: dict[str, int] = {}
        for chunk in chunks(devices):
            rows = self._s.execute(
                select(Bundle.device_id, func.max(Bundle.id))
                .where(Bundle.device_id.in_(chunk))
                .group_by(Bundle.device_id)
            )
            found.update((device, latest) for device, latest in rows)
        return found

    def build_runs(self, devices: Sequence[str]) -> int:
        """Summarise the runs of these devices' bundles stored before runs were kept; how many."""
        return build_runs(self._s, devices)

    def segment_facts(self, devices: Sequence[str]) -> RegionFacts:
        """The stored runs of these devices, and every `segment` line outside them, with its facts."""
        batch = tuple(sorted(devices))
        db = self._s.connection()
        odd = self._odd[batch] = odd_names(db, batch)
        runs = stored_runs(db, batch, odd)
        facts, rows = line_facts(db, batch, facts_query(batch, _E.run_id.is_(None)), odd)
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
        odd = self._odd.get(region.devices) or odd_names(db, region.devices)
        runs = region.runs
        members = [
            and_(_E.bundle_id == int(b), _E.line.between(int(lo), int(hi)))
            for b, lo, hi in zip(
                runs.bundle_id[~sound], runs.first_line[~sound], runs.last_line[~sound], strict=True
            )
        ]
        parts = [
            line_facts(db, region.devices, facts_query(region.devices, or_(*chunk)), odd)
            for chunk in (members[n : n + CHUNK // 5] for n in range(0, len(members), CHUNK // 5))
        ]
        facts = concat_facts([region.facts, *(p[0] for p in parts)])
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
            own["logs"].append(received_log(b))
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
        for n in range(0, len(spans), CHUNK // 5):
            rows += self._s.execute(
                select(*columns).where(_E.event != "segment", or_(*spans[n : n + CHUNK // 5]))
            ).all()
        for chunk in chunks(kept_segment_lines):
            rows += self._s.execute(select(*columns).where(_E.id.in_(chunk))).all()
        return rows

    def _files(self, region: RegionFacts, routine: Flags) -> list[Any]:
        """Every stored file of these devices but those of routine footage."""
        db = self._s.connection()
        rows = list(
            db.execute(
                select(*FILE_COLUMNS).where(_S.device_id.in_(region.devices), _S.run_id.is_(None))
            ).all()
        )
        unsound = ~region.sound
        wanted = set(region.runs.run_id[unsound].tolist())
        for chunk in chunks(np.unique(region.runs.bundle_id[unsound])):
            rows += [
                r
                for r in db.execute(select(*FILE_COLUMNS, _S.run_id).where(_S.bundle_id.in_(chunk)))
                if r.run_id in wanted
            ]
        routine_files = set(region.file_id[routine].tolist())
        kept = [r for r in rows if r.id not in routine_files]
        kept.sort(key=lambda r: r.id)
        return kept


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
