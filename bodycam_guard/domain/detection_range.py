"""Incremental detection: the stretch of reference time an upload can change, and the facts in it.

Full detection judges a device's whole history. After an upload only some duty
windows can change: those holding the new bundles' lines, and those a rule reaches
from them across bundles (a late file's `segment` line, a deleted file's, the lines
and files on either side of the event and file counters, the bundles whose clock
correction the new `time_sync` lines change). The caller picks those *core* bundles
and loads them with a closed duty window of *context* on either side; this module
says which moments the core's facts can start at (`reach`), and which findings and
incidents lie in the resulting `AffectedRange`. Reconciling exactly the incidents in
that range, with findings detected over core plus context, gives what full detection
gives, as long as the context really bounds the core (the caller checks that).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from bodycam_guard.domain.device_log import NAMES_A_FILE
from bodycam_guard.domain.incidents import Finding, IncidentKind
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.slice_runs import InnerRun
from bodycam_guard.domain.timeline import (
    DeviceHistory,
    DutyWindow,
    ReceivedFile,
    ReceivedLog,
    SegmentRecord,
    duty_windows,
    segment_records,
)


@dataclass(frozen=True, slots=True)
class StoredBundle:
    """A stored bundle as incremental detection sees it: its place in the log, and its log file."""

    id: int
    name: str
    detected: bool
    """Whether detection has run over it since it was stored."""
    log: ReceivedLog


@dataclass(frozen=True, slots=True)
class AffectedRange:
    """What an upload can change: facts starting in [start, end] (reference clock), and a few timeless ones."""

    start: datetime
    end: datetime
    bundles: frozenset[str]
    """The core bundles: a fact with no time at all is in range when it names one of them."""
    file_seqs: tuple[int, int] | None
    """Lowest and highest file counter named in the core, if any."""

    def holds(
        self,
        kind: IncidentKind,
        start: datetime | None,
        end: datetime | None,
        evidence: Mapping[str, Any],
    ) -> bool:
        """Whether a fact (a finding, or a stored incident) lies in this range."""
        moment = start if start is not None else end
        if moment is not None:
            return self.start <= moment <= self.end
        if "bundle" in evidence:
            return evidence["bundle"] in self.bundles
        if kind is IncidentKind.FILE_COUNTER_GAP and self.file_seqs is not None:
            before, after = evidence.get("last_before"), evidence.get("first_after")
            low, high = self.file_seqs
            return (
                isinstance(before, int)
                and isinstance(after, int)
                and before <= high
                and after >= low
            )
        return False

    def contains(self, finding: Finding) -> bool:
        """Whether a finding lies in this range."""
        return self.holds(finding.kind, finding.start, finding.end, finding.evidence)


def window_open_after(events: Iterable[str], *, open_before: bool) -> bool:
    """Whether a duty window is still open after these event kinds, in log order."""
    state = open_before
    for kind in events:
        if kind == "undock":
            state = True
        elif kind == "dock":
            state = False
    return state


def footage_end(record: SegmentRecord, received: Mapping[str, ReceivedFile]) -> datetime:
    """Where a file's real footage ends: its packet span when received, else its logged end."""
    got = received.get(record.file)
    if got is not None and got.media is not None:
        return record.start + timedelta(seconds=got.media.span_s)
    return record.end


def reach(
    history: DeviceHistory,
    core: frozenset[str],
    *,
    duties: Sequence[RosteredDuty] = (),
    max_shift_s: float,
    now: datetime,
    inner: Sequence[InnerRun] = (),
) -> list[datetime]:
    """Every moment at which a fact resting on the core bundles can start or end.

    `history` is core plus context, placed on the reference clock; run it once with the
    new bundles and once without, so that facts the upload removes are reached too.
    `inner` are the runs whose inner members the history holds as routine rows.
    """
    events = history.events
    received = {f.path: f for f in history.files}
    records = segment_records(events)
    points = [e.ref for e in events if e.bundle in core]
    points += [m for i in inner if i.bundle in core for m in (i.earliest, i.latest)]
    for record in records:
        if record.logged.bundle in core:
            points += [record.start, record.end, footage_end(record, received)]
    named = {r.file for r in records}
    for got in history.files:
        media = got.media
        if got.bundle in core and got.path not in named and media and media.creation_time:
            points += [media.creation_time, media.creation_time + timedelta(seconds=media.span_s)]
    windows = [w for w in duty_windows(events) if w.undock.bundle in core]
    points += _late_starts(windows, max_shift_s=max_shift_s, now=now)
    points += _counter_neighbours(history, core, records, received)
    points += [d.start for d in duties if any(w.start < d.end and w.end > d.start for w in windows)]
    return points


def _late_starts(
    windows: Sequence[DutyWindow], *, max_shift_s: float, now: datetime
) -> list[datetime]:
    # A window never docked is late from its start plus the maximum shift, maybe past its last line.
    limit = timedelta(seconds=max_shift_s)
    return [w.start + limit for w in windows if w.dock is None and now - w.start > limit]


def _counter_neighbours(
    history: DeviceHistory,
    core: frozenset[str],
    records: Sequence[SegmentRecord],
    received: Mapping[str, ReceivedFile],
) -> list[datetime]:
    """Where a counter gap from a line outside the core to one inside it starts."""
    points = []
    by_seq = sorted(history.events, key=lambda e: e.event.seq)
    for before, after in pairwise(by_seq):
        if after.bundle in core and before.bundle not in core:
            points.append(before.ref)
    named = {r.file_seq: r for r in records}
    core_seqs = core_file_seqs(history, core)
    for before_seq, after_seq in pairwise(sorted(file_seqs(history))):
        prev = named.get(before_seq)
        if after_seq in core_seqs and before_seq not in core_seqs and prev is not None:
            points.append(footage_end(prev, received))
    return points


def file_seqs(history: DeviceHistory) -> set[int]:
    """Every file counter the history's `segment` and `delete` lines name, routine rows' too."""
    return _file_seqs(history, None)


def core_file_seqs(history: DeviceHistory, core: frozenset[str]) -> set[int]:
    """The file counters named by `segment` and `delete` lines of the core bundles, routine rows' too."""
    return _file_seqs(history, core)


def _file_seqs(history: DeviceHistory, core: frozenset[str] | None) -> set[int]:
    found = {
        seq
        for e in history.events
        if (core is None or e.bundle in core)
        and e.event.event in NAMES_A_FILE
        and (seq := e.event.int_field("file_seq")) is not None
    }
    routine = history.routine
    for bundle, low, high in zip(
        routine.bundle.tolist(),
        routine.file_seq_lo.tolist(),
        routine.file_seq_hi.tolist(),
        strict=True,
    ):
        if core is None or routine.bundles[bundle] in core:
            found.update(range(low, high + 1))
    return found


def affected_range(
    points: Sequence[datetime], core: frozenset[str], core_seqs: Iterable[int]
) -> AffectedRange | None:
    """The range spanning every reached moment, or None when nothing was reached."""
    if not points:
        return None
    seqs = sorted(core_seqs)
    return AffectedRange(
        start=min(points),
        end=max(points),
        bundles=core,
        file_seqs=(seqs[0], seqs[-1]) if seqs else None,
    )
