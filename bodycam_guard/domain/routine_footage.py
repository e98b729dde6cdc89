"""Routine footage: segments whose only bearing on detection is the stretch of time they cover.

Nearly every segment a camera records is routine: its `segment` line sits between
two lines of the same log whose event counters are one below and one above its own,
and is not the last line before an `undock`; its file is named by that one line, was
stored once, probes without timestamp holes and no shorter than logged (beyond the
tolerance), and has the hashes the manifest and the line claim; its file counter is
named by no other line and has both neighbours logged; no `delete` names it.

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

_MARGIN_S = 0.001
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


def routine_mask(facts: SegmentFacts, *, tolerance_s: float) -> Flags:
    """Which segment lines are routine (see the module text); everything else goes to the full rules."""
    named = facts.file_seq >= 0
    # File counters named by segment and delete lines, keyed by device: how often, and neighbours.
    keys = _keys(facts.device[named], facts.file_seq[named])
    every = np.sort(np.concatenate((keys, _keys(facts.deletes_device, facts.deletes_file_seq))))
    own = _keys(facts.device, facts.file_seq)
    once = (np.searchsorted(every, own, side="right") - np.searchsorted(every, own)) == 1
    neighbours = _present(every, own - 1) & _present(every, own + 1)
    shortfall = (facts.end_us - facts.start_us) / 1e6 - np.nan_to_num(facts.span_s, nan=np.inf)
    mask: Flags = (
        (facts.prev_seq == facts.seq - 1)
        & (facts.next_seq == facts.seq + 1)
        & ~facts.next_is_undock
        & named
        & once
        & neighbours
        & (facts.start_us >= 0)
        & (facts.end_us >= facts.start_us)
        & facts.named_once
        & facts.stored_once
        & ~facts.deleted
        & facts.readable
        & facts.hashes_agree
        & (shortfall <= tolerance_s - _MARGIN_S)
    )
    return mask


def _keys(device: Ints, file_seq: Ints) -> Ints:
    return device.astype(np.int64) * (1 << 42) + file_seq


def _present(sorted_keys: Ints, wanted: Ints) -> Flags:
    if not sorted_keys.shape[0]:
        return np.zeros(wanted.shape, dtype=np.bool_)
    at = np.minimum(np.searchsorted(sorted_keys, wanted), sorted_keys.shape[0] - 1)
    found: Flags = np.equal(sorted_keys[at], wanted)
    return found


@dataclass(frozen=True, slots=True)
class RoutineSegments:
    """One device's routine segments as columns: where they sit in its log, and what they cover."""

    bundles: tuple[str, ...]
    """Names of the bundles `bundle` indexes."""
    bundle: Ints
    line: Ints
    seq: Ints
    file_seq: Ints
    start_us: Ints
    """Device clock, microseconds since the epoch."""
    span_s: Floats

    @classmethod
    def none(cls) -> RoutineSegments:
        """No routine segments: the history holds every line and file."""
        empty = np.empty(0, dtype=np.int64)
        return cls((), empty, empty, empty, empty, empty, np.empty(0, dtype=np.float64))

    def __len__(self) -> int:
        return int(self.seq.shape[0])

    def covered(self, events: Sequence[LoggedEvent]) -> tuple[Floats, Floats]:
        """What the files cover on the reference clock, as (start, end) seconds.

        Each start is corrected by the clock offset of the nearest line before it in log
        order among `events` (the rest of the history): a routine line's predecessors up
        to its bundle's first line are either routine or in `events`, and no routine line
        is a `time_sync`, so that line's offset is the one in effect.
        """
        if not len(self):
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
        start = self.start_us - offset_us
        # As timedelta(seconds=span) rounds: whole seconds, then the fraction to a microsecond.
        whole = np.floor(self.span_s)
        span_us = (whole * 1e6 + np.rint((self.span_s - whole) * 1e6)).astype(np.int64)
        return start / 1e6, (start + span_us) / 1e6


class Elided:
    """Sorted counters of routine segments, to tell a real skip from one they fill."""

    def __init__(self, values: Ints) -> None:
        self._sorted = np.sort(values)

    def fill(self, low: int, high: int) -> bool:
        """Whether one of them lies strictly between `low` and `high`.

        Then all of that stretch is logged: each routine counter has both neighbours.
        """
        left = np.searchsorted(self._sorted, low, side="right")
        return bool(left < self._sorted.shape[0] and self._sorted[left] < high)


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
    stored_files: Ints
    """Per device (by code), how many files it has stored: more than its lines name means unnamed files."""
    joined_line: Ints
    """Every (line, stored file) pair that share a name, as two columns: ..."""
    joined_file: Ints
    """... a line and a file stored twice appear once per copy."""
