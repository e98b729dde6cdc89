"""The gap engine: uncovered stretches of duty time, in a few vectorised passes.

Times are float64 seconds (reference clock, Unix epoch). Coverage intervals need
not be sorted or disjoint; duty windows must not overlap. Nothing here loops in
Python per segment: the union of coverage is a running maximum, its complement is
intersected with the duty windows through `searchsorted`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Seconds = npt.NDArray[np.float64]
Indices = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Gaps:
    """Uncovered stretches: parallel arrays of start, end and the duty window each lies in."""

    start: Seconds
    end: Seconds
    window: Indices

    def __len__(self) -> int:
        return int(self.start.shape[0])


def merge_coverage(start: Seconds, end: Seconds) -> tuple[Seconds, Seconds]:
    """Union of intervals as sorted, disjoint (start, end) arrays; touching intervals merge."""
    if start.size == 0:
        return start.astype(np.float64), end.astype(np.float64)
    order = np.argsort(start, kind="stable")
    s = start[order]
    e = end[order]
    reach = np.maximum.accumulate(e)
    # A new merged run begins where an interval starts after everything before it ended.
    begins = np.empty(s.shape[0], dtype=bool)
    begins[0] = True
    begins[1:] = s[1:] > reach[:-1]
    run_starts = s[begins]
    last_of_run = np.flatnonzero(np.append(begins[1:], True))
    return run_starts, reach[last_of_run]


def uncovered(
    window_start: Seconds,
    window_end: Seconds,
    cover_start: Seconds,
    cover_end: Seconds,
    *,
    tolerance_s: float,
) -> Gaps:
    """Every stretch of the duty windows covered by no interval, longer than `tolerance_s`."""
    merged_start, merged_end = merge_coverage(cover_start, cover_end)
    # Complement of coverage on the whole line: between consecutive merged runs, and the two tails.
    hole_start = np.concatenate(([-np.inf], merged_end))
    hole_end = np.concatenate((merged_start, [np.inf]))
    # For each window, the holes that overlap it: [first ending after its start, last starting before its end].
    first = np.searchsorted(hole_end, window_start, side="right")
    stop = np.searchsorted(hole_start, window_end, side="left")
    counts = np.maximum(stop - first, 0)
    total = int(counts.sum())
    window = np.repeat(np.arange(window_start.shape[0], dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    hole = np.repeat(first, counts) + offsets
    start = np.maximum(hole_start[hole], window_start[window])
    end = np.minimum(hole_end[hole], window_end[window])
    keep = (end - start) > tolerance_s
    return Gaps(start=start[keep], end=end[keep], window=window[keep])


def first_event_in(
    event_time: Seconds, gap_start: Seconds, gap_end: Seconds, *, lead_s: float
) -> Indices:
    """Index of the first event (times sorted) within [gap_start - lead_s, gap_end], or -1."""
    idx = np.searchsorted(event_time, gap_start - lead_s, side="left")
    found = idx < event_time.shape[0]
    safe = np.minimum(idx, max(event_time.shape[0] - 1, 0))
    if event_time.shape[0]:
        found &= event_time[safe] <= gap_end
    return np.where(found, idx, -1).astype(np.int64)
