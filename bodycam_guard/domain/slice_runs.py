"""The inner members of routine runs, which incremental detection leaves unread.

Incremental detection (`services.detection_slice`) reads a stretch of a device's log,
and nearly all of it is runs of routine footage (`domain.segment_runs`). Of a run it
reads the first and last member lines and their files, and what the store keeps of
the run; the members between them, its *inner* run, stand in the slice as one row of
routine footage (`RoutineSegments`), as in full detection.

The slice then gives the answer it gives with every line read:

- The inner members are routine in the slice (`domain.routine_footage`): their event
  and file counters go on one by one between the two members read; no other line of
  the slice names one of those counters, a `delete` included (`crowded` finds the runs
  where one does, and those are read whole); no other line or stored file of the
  device names their files, a `delete` included (the store's name clashes,
  `StoredRun.plain`); their shortfall and holes are within the tolerance. A line
  outside the slice is outside it either way: whether a member is read or not, the
  slice does not see it, and the planner's own checks bound what it may reach.
- The planner asks of them only which counters they cover (`inner_seqs`, `inner_file_seqs`) and
  the earliest and latest moments a fact resting on them could touch: their lines'
  times, their footage's start and end, their logged ends and their files' creation
  times (`InnerRun.earliest`, `latest`), which the store keeps per run.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from bodycam_guard.domain.device_log import NAMES_A_FILE, DeviceEvent, from_epoch_us
from bodycam_guard.domain.routine_footage import MARGIN_S, Ints, RoutineSegments
from bodycam_guard.domain.timeline import LoggedEvent


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A run of routine footage as the store keeps it (`segment_runs`), with what a slice needs."""

    id: int
    bundle_id: int
    first_line: int
    last_line: int
    seq_lo: int
    seq_hi: int
    file_seq_lo: int
    file_seq_hi: int
    start_us: int
    """Earliest start of a member (device clock, microseconds since the epoch)."""
    end_us: int
    """Latest end of a member's footage."""
    max_shortfall_us: int
    max_hole_us: int
    first_ts: datetime
    """Earliest device time of a line of the run (members and the inert lines between)."""
    last_ts: datetime
    latest_end_us: int
    """Latest logged end of a member."""
    first_creation: datetime | None
    """Earliest creation time a member's file carries, if any does."""
    plain: bool
    """No other line or stored file of the device names a member's file (a `delete` naming one does)."""

    def leaves_inner(self, *, tolerance_s: float) -> bool:
        """Whether a slice may leave its inner members unread under this tolerance."""
        limit_us = (tolerance_s - MARGIN_S) * 1e6
        return (
            self.plain
            and self.file_seq_hi - self.file_seq_lo >= 2
            and self.max_shortfall_us <= limit_us
            and self.max_hole_us <= limit_us
        )

    @property
    def inner_seqs(self) -> range:
        """Event counters of its inner lines (members and inert lines)."""
        return range(self.seq_lo + 1, self.seq_hi)

    @property
    def inner_file_seqs(self) -> range:
        """File counters of its inner members."""
        return range(self.file_seq_lo + 1, self.file_seq_hi)


@dataclass(frozen=True, slots=True)
class InnerRun:
    """The members of a stored run between its first and last, placed on the reference clock."""

    bundle: str
    run: StoredRun
    offset_ms: int
    """The clock correction of its first member (no `time_sync` lies inside a run)."""

    @property
    def earliest(self) -> datetime:
        """The earliest moment a fact resting on a member could touch (reference clock)."""
        start = from_epoch_us(self.run.start_us)
        return min(self.run.first_ts, start) - timedelta(milliseconds=self.offset_ms)

    @property
    def latest(self) -> datetime:
        """The latest such moment (reference clock)."""
        end = from_epoch_us(max(self.run.end_us, self.run.latest_end_us))
        return max(self.run.last_ts, end) - timedelta(milliseconds=self.offset_ms)


def inner_runs(
    events: Sequence[LoggedEvent], runs: Mapping[str, Sequence[StoredRun]]
) -> tuple[InnerRun, ...]:
    """The inner runs of these bundles' runs, each placed by the offset of its first member.

    `events` are the placed lines read, first members among them; runs whose bundle
    has no line among them are left out (a history without that bundle).
    """
    offsets = {(e.bundle, e.event.line): e.offset_ms for e in events}
    return tuple(
        InnerRun(bundle=bundle, run=run, offset_ms=offsets[bundle, run.first_line])
        for bundle, stored in runs.items()
        for run in stored
        if (bundle, run.first_line) in offsets
    )


def crowded(lines: Iterable[DeviceEvent], runs: Sequence[StoredRun]) -> set[int]:
    """The runs whose inner counters a line read, or another run's inner members, also carry."""
    seqs: list[int] = []
    file_seqs: list[int] = []
    for line in lines:
        seqs.append(line.seq)
        if line.event in NAMES_A_FILE and (seq := line.int_field("file_seq")) is not None:
            file_seqs.append(seq)
    seqs.sort()
    file_seqs.sort()
    found = {
        r.id
        for r in runs
        if _any_within(seqs, r.inner_seqs) or _any_within(file_seqs, r.inner_file_seqs)
    }
    for ranges in ([r.inner_seqs for r in runs], [r.inner_file_seqs for r in runs]):
        reach, previous = -1, -1
        for n in sorted(range(len(runs)), key=lambda n: ranges[n].start):
            if previous >= 0 and ranges[n] and ranges[n].start < reach:
                found.update((runs[n].id, runs[previous].id))
            if ranges[n] and ranges[n].stop > reach:
                reach, previous = ranges[n].stop, n
    return found


def _any_within(ordered: Sequence[int], span: range) -> bool:
    at = bisect_left(ordered, span.start)
    return bool(span) and at < len(ordered) and ordered[at] < span.stop


def routine_rows(inner: Sequence[InnerRun], bundles: tuple[str, ...]) -> RoutineSegments:
    """The inner runs as rows of routine footage; `bundles` are the slice's bundles in log order.

    A row covers its whole run's stretch: the first and last members read lie within it.
    """
    if not inner:
        return RoutineSegments.none()
    order = {name: n for n, name in enumerate(bundles)}

    def column(values: list[int]) -> Ints:
        return np.array(values, dtype=np.int64)

    return RoutineSegments(
        bundles,
        bundle=column([order[i.bundle] for i in inner]),
        line=column([i.run.first_line + 1 for i in inner]),
        seq_lo=column([i.run.seq_lo + 1 for i in inner]),
        seq_hi=column([i.run.seq_hi - 1 for i in inner]),
        file_seq_lo=column([i.run.file_seq_lo + 1 for i in inner]),
        file_seq_hi=column([i.run.file_seq_hi - 1 for i in inner]),
        start_us=column([i.run.start_us for i in inner]),
        end_us=column([i.run.end_us for i in inner]),
    )
