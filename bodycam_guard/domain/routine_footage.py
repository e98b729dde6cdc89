"""Routine footage: segments whose only bearing on detection is the stretch of time they cover.

Nearly every segment a camera records is routine: its `segment` line sits between
two lines of the same log whose event counters are one below and one above its own,
and is not the last line before an `undock`; its file is named by that one line, was
stored once, probes without timestamp holes and no shorter than logged (beyond the
tolerance), and has the hashes the manifest and the line claim; its file counter is
named by no other line and has both neighbours logged (or no counter at all lies
beyond it on that side: the device's first and latest files); no `delete` names it.

For such a segment every rule of the detector reaches the same findings whether it
reads the segment's line and file, or only the stretch the file covers, its event
counter and its file counter: it never begins or ends a duty window, a log gap or a
file-counter gap, never lies at the edge of a bundle, and never is the subject of a
finding. Re-detection therefore reads routine segments as columns (`RoutineSegments`,
decided by `routine_mask` from `SegmentFacts`) and everything else as objects, so a
region's history is judged without a Python object, or a Python step, per segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from bodycam_guard.domain.timeline import LoggedEvent

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

MARGIN_S = 0.001
"""A shortfall this close to the tolerance is left to the full rules, whatever the rounding."""


@dataclass(frozen=True, slots=True)
class SegmentFacts:
    """What the store says about each `segment` line of some devices, as parallel columns.

    Counters of the neighbouring lines are those of the previous and next line of the
    same bundle, -1 where there is none. Device codes number the devices from 0.
    """

    device: Ints
    seq: Ints
    prev_seq: Ints
    next_seq: Ints
    next_is_undock: Flags
    file_seq: Ints
    """-1 where the line names none."""
    start_us: Ints
    """Device clock, microseconds since the epoch; -1 where the line has no readable start."""
    end_us: Ints
    named_once: Flags
    """No other `segment` line of the device names its file."""
    stored_once: Flags
    """The device has exactly one stored file under its file's path."""
    deleted: Flags
    """A `delete` line of the device names its file or its file counter."""
    readable: Flags
    """That stored file probed, without timestamp holes."""
    hashes_agree: Flags
    """Its stored hash equals the manifest's, and the line's when the line gives one."""
    span_s: Floats
    """Its packet span; NaN when not readable."""
    deletes_device: Ints
    """Device code of each `delete` line naming a file counter, ..."""
    deletes_file_seq: Ints
    """... and that counter."""


@dataclass(frozen=True, slots=True)
class RunFacts:
    """Stored runs of routine footage (`domain.segment_runs`) of some devices, as columns."""

    device: Ints
    run_id: Ints
    bundle_id: Ints
    first_line: Ints
    last_line: Ints
    seq_lo: Ints
    seq_hi: Ints
    file_seq_lo: Ints
    file_seq_hi: Ints
    start_us: Ints
    end_us: Ints
    max_shortfall_us: Ints
    max_hole_us: Ints
    named_elsewhere: Flags
    """A member's file is named by another line, stored again, or named by a `delete` elsewhere."""

    @classmethod
    def none(cls) -> RunFacts:
        """No stored runs."""
        e = np.empty(0, dtype=np.int64)
        return cls(e, e, e, e, e, e, e, e, e, e, e, e, e, np.empty(0, dtype=np.bool_))

    def __len__(self) -> int:
        return int(self.run_id.shape[0])


class _Counters:
    """File counters named per device: run ranges and single lines, to count how often each is named."""

    def __init__(self, device: Ints, low: Ints, high: Ints) -> None:
        self._lo = np.sort(_keys(device, low))
        self._hi = np.sort(_keys(device, high))

    def bounded(self, device: Ints, low: Ints, high: Ints) -> Flags:
        """Whether the counters just outside [low, high] are named, wherever a counter lies beyond.

        A stretch with no counter at all below it (the device's first files) or above it
        (its latest) needs no neighbour on that side: no skip can begin or end there.
        """
        one = np.ones(low.shape, dtype=np.int64)
        far = np.full(low.shape, _FAR, dtype=np.int64)
        below = (self.naming(device, low - one, low - one) >= 1) | (
            self.naming(device, -far, low - one) == 0
        )
        above = (self.naming(device, high + one, high + one) >= 1) | (
            self.naming(device, high + one, far) == 0
        )
        bounded: Flags = below & above
        return bounded

    def naming(self, device: Ints, low: Ints, high: Ints) -> Ints:
        """How many ranges or lines name a counter in [low, high] of the device."""
        starting = np.searchsorted(self._lo, _keys(device, high), side="right")
        ended = np.searchsorted(self._hi, _keys(device, low), side="left")
        counts: Ints = starting - ended
        return counts


def _counters(facts: SegmentFacts, runs: RunFacts, kept: Flags) -> _Counters:
    named = facts.file_seq >= 0
    device = np.concatenate((runs.device[kept], facts.device[named], facts.deletes_device))
    low = np.concatenate((runs.file_seq_lo[kept], facts.file_seq[named], facts.deletes_file_seq))
    high = np.concatenate((runs.file_seq_hi[kept], facts.file_seq[named], facts.deletes_file_seq))
    return _Counters(device, low, high)


def sound_runs(runs: RunFacts, facts: SegmentFacts, *, tolerance_s: float) -> Flags:
    """Which stored runs still hide nothing: checked against the rest of the device and the policy.

    `facts` are the segment lines outside runs. A run whose counters another line or
    run also names, whose counters lack a neighbour, whose file is named elsewhere, or
    whose shortfall or inner hole the tolerance no longer covers, is read line by line.
    """
    counters = _counters(facts, runs, np.ones(len(runs), dtype=np.bool_))
    limit_us = (tolerance_s - MARGIN_S) * 1e6
    sound: Flags = (
        (counters.naming(runs.device, runs.file_seq_lo, runs.file_seq_hi) == 1)
        & counters.bounded(runs.device, runs.file_seq_lo, runs.file_seq_hi)
        & ~runs.named_elsewhere
        & (runs.max_shortfall_us <= limit_us)
        & (runs.max_hole_us <= limit_us)
    )
    return sound


def routine_mask(
    facts: SegmentFacts,
    *,
    tolerance_s: float,
    runs: RunFacts | None = None,
    sound: Flags | None = None,
) -> Flags:
    """Which segment lines are routine (see the module text); everything else goes to the full rules.

    `runs` are the stored runs of the same devices, `sound` those still read as runs:
    their counters count as named.
    """
    runs = runs if runs is not None else RunFacts.none()
    sound = sound if sound is not None else np.zeros(len(runs), dtype=np.bool_)
    counters = _counters(facts, runs, sound)
    once = counters.naming(facts.device, facts.file_seq, facts.file_seq) == 1
    neighbours = counters.bounded(facts.device, facts.file_seq, facts.file_seq)
    shortfall = (facts.end_us - facts.start_us) / 1e6 - np.nan_to_num(facts.span_s, nan=np.inf)
    mask: Flags = (
        (facts.prev_seq == facts.seq - 1)
        & (facts.next_seq == facts.seq + 1)
        & ~facts.next_is_undock
        & (facts.file_seq >= 0)
        & once
        & neighbours
        & (facts.start_us >= 0)
        & (facts.end_us >= facts.start_us)
        & facts.named_once
        & facts.stored_once
        & ~facts.deleted
        & facts.readable
        & facts.hashes_agree
        & (shortfall <= tolerance_s - MARGIN_S)
    )
    return mask


_FAR = 1 << 40
"""Beyond any file counter: keys keep 2**42 apart per device, so ±2**40 stays in its device."""


def _keys(device: Ints, file_seq: Ints) -> Ints:
    return device.astype(np.int64) * (1 << 42) + file_seq


def span_us(span_s: Floats) -> Ints:
    """Packet spans in microseconds, rounded as timedelta(seconds=span) rounds them."""
    whole = np.floor(span_s)
    rounded: Ints = (whole * 1e6 + np.rint((span_s - whole) * 1e6)).astype(np.int64)
    return rounded


@dataclass(frozen=True, slots=True)
class RoutineSegments:
    """One device's routine footage as columns: runs and single segments, each a row.

    A row spans event counters [seq_lo, seq_hi] and file counters [file_seq_lo,
    file_seq_hi] and covers [start_us, end_us] of device time with footage (no hole
    the tolerance would flag); `line` is its first line, in bundle `bundle`.
    """

    bundles: tuple[str, ...]
    """Names of the bundles `bundle` indexes."""
    bundle: Ints
    line: Ints
    seq_lo: Ints
    seq_hi: Ints
    file_seq_lo: Ints
    file_seq_hi: Ints
    start_us: Ints
    """Device clock, microseconds since the epoch."""
    end_us: Ints

    @classmethod
    def none(cls) -> RoutineSegments:
        """No routine segments: the history holds every line and file."""
        empty = np.empty(0, dtype=np.int64)
        return cls((), *([empty] * 8))

    @property
    def segments(self) -> int:
        """How many segment lines the rows stand for (their file counters go on one by one)."""
        return int((self.file_seq_hi - self.file_seq_lo + 1).sum())

    def covered(self, events: Sequence[LoggedEvent]) -> tuple[Floats, Floats]:
        """What the files cover on the reference clock, as (start, end) seconds.

        Each row is corrected by the clock offset of the nearest line before it in log
        order among `events` (the rest of the history): a routine line's predecessors up
        to its bundle's first line are either routine or in `events`, and no routine line
        is a `time_sync`, so that line's offset is the one in effect.
        """
        if not self.seq_lo.shape[0]:
            empty = np.empty(0, dtype=np.float64)
            return empty, empty
        order = {name: n for n, name in enumerate(self.bundles)}
        known = np.array(
            [(order.get(e.bundle, -1), e.event.line, e.offset_ms) for e in events],
            dtype=np.int64,
        ).reshape(-1, 3)
        keys = known[:, 0] * (1 << 32) + known[:, 1]
        before = np.searchsorted(keys, self.bundle * (1 << 32) + self.line, side="left") - 1
        offset_us = np.where(before >= 0, known[np.maximum(before, 0), 2], 0) * 1000
        return (self.start_us - offset_us) / 1e6, (self.end_us - offset_us) / 1e6


class Elided:
    """Counter ranges of routine footage, to tell a real skip from one they fill."""

    def __init__(self, low: Ints, high: Ints) -> None:
        self._low = low
        self._high = high

    def fill(self, low: int, high: int) -> bool:
        """Whether a range lies partly strictly between `low` and `high`.

        Then all of that stretch is logged: each routine counter has both neighbours.
        """
        return bool(np.any((self._low < high) & (self._high > low)))


@dataclass(frozen=True, slots=True)
class RegionFacts:
    """Segment facts of a batch of devices, with where each line and its file are stored."""

    devices: tuple[str, ...]
    """The batch; `facts.device` indexes it."""
    facts: SegmentFacts
    line_id: Ints
    """Row of each segment line."""
    bundle_id: Ints
    line: Ints
    file_id: Ints
    """Row of its stored file, -1 when none (one of them when stored twice)."""
    runs: RunFacts
    sound: Flags
    """Which runs are read as runs (`sound_runs`); the others' lines are among the facts."""
