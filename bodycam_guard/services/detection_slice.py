"""Choose and read the stretch of a device's history that new bundles can change.

The *core* is a run of bundles in log order: the new (not yet detected) bundles,
the bundles their lines and files reach by name or file counter (a late file's
`segment` line, a deleted file's, a second copy, the nearest file counters either
side, whose counter gap accounts for time in both windows), and the bundles whose
clock correction a new `time_sync` changes; widened until no duty window crosses its
edges. Around it, *context*: on each side the nearest bundles, widened the same way,
until they hold a file counter. Core plus context is read by indexed ranges and
judged by the ordinary detector; the affected range (`domain.detection_range`) then
says which findings and stored incidents the run may touch.

Of each run of routine footage in the slice only the first and last member lines and
their files are read; the members between stand as one row of routine footage, with
what the store keeps of the run (`domain.slice_runs`). A run whose inner counters
another line of the slice also carries is read whole.

Context bounds the core only if the device's history lies in time roughly as in log
order. The plan checks that with indexed range queries (no other bundle's line in the
affected time, event and file counters not interleaved with other bundles', nothing
in the context after the core reaching back into the range); when a check fails it
asks for full detection instead and says why.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bodycam_guard.domain.detection_range import (
    AffectedRange,
    StoredBundle,
    affected_range,
    core_file_seqs,
    reach,
    window_open_after,
)
from bodycam_guard.domain.device_log import NAMES_A_FILE, DeviceEvent
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.slice_runs import (
    InnerRun,
    StoredRun,
    crowded,
    inner_runs,
    routine_rows,
)
from bodycam_guard.domain.timeline import (
    DeviceHistory,
    ReceivedFile,
    place_events,
)
from bodycam_guard.services.bundle_log import READ_AHEAD, BundleLog
from bodycam_guard.services.ports import HistorySlices
from bodycam_guard.services.slice_bounds import SliceBounds

MAX_SLICE_BUNDLES = 64
"""A slice wider than this is left to full detection: it would save little."""
_CONTEXT_REACH = 8
"""How far context looks for a file counter; past it, the checks decide."""


@dataclass(frozen=True, slots=True)
class HistorySlice:
    """Core and context of a device's history, and the range the run may reconcile."""

    history: DeviceHistory
    range: AffectedRange
    new_bundles: tuple[int, ...]
    bundles: int
    """How many bundles were read."""


@dataclass(frozen=True, slots=True)
class NeedsFullDetection:
    """The slice could not be bounded; full detection gives the right answer."""

    reason: str


def plan_slice(
    slices: HistorySlices, device_id: str, *, policy: DetectionPolicy, now: datetime
) -> HistorySlice | NeedsFullDetection | None:
    """The slice new bundles of this device can change; None when every bundle was detected."""
    log = BundleLog(slices, slices.bundles(device_id), tolerance_s=policy.tolerance_s)
    new = [p for p, b in enumerate(log.bundles) if not b.detected]
    if not new:
        return None
    log.load(range(max(0, new[0] - READ_AHEAD), min(log.last, new[-1] + READ_AHEAD) + 1))
    syncs = slices.time_syncs(device_id)
    core = _reached(log, device_id, new, syncs)
    low, high = _close(log, min(core), max(core), skip=new)
    first, last = _context(log, low, high)
    if last - first + 1 > MAX_SLICE_BUNDLES:
        return NeedsFullDetection(f"{last - first + 1} bundles would be read")
    views = _Views.read(log, device_id, range(first, last + 1), syncs)
    if isinstance(views, NeedsFullDetection):
        return views
    core_names = frozenset(log.bundles[p].name for p in range(low, high + 1))
    new_names = frozenset(log.bundles[p].name for p in new)
    (with_new, inner), (without_new, inner_without) = views.history(()), views.history(new_names)
    span = [e.ref for e in with_new.events] + [m for i in inner for m in (i.earliest, i.latest)]
    duties = slices.duties(device_id, min(span), max(span))
    points = [
        point
        for history, unread in ((with_new, inner), (without_new, inner_without))
        for point in reach(
            history,
            core_names,
            duties=duties,
            max_shift_s=policy.max_shift_s,
            now=now,
            inner=unread,
        )
    ]
    affected = affected_range(points, core_names, core_file_seqs(with_new, core_names))
    if affected is None:
        return NeedsFullDetection("the new bundles hold no lines")
    bounds = SliceBounds(
        log, device_id, with_new, affected, core_names, after=range(high + 1, last + 1), inner=inner
    )
    problem = bounds.problem(syncs, tolerance_s=policy.tolerance_s)
    if problem is None:
        owned = [d for d in duties if affected.start <= d.start <= affected.end]
        whole = (first == 0, last == log.last)
        if any(not _within(d.start, d.end, span, whole) for d in owned):
            problem = "a rostered duty reaches past the slice"
    if problem is not None:
        return NeedsFullDetection(problem)
    return HistorySlice(
        history=DeviceHistory(
            device_id=device_id,
            events=with_new.events,
            files=with_new.files,
            logs=with_new.logs,
            roster=tuple(d for d in duties if affected.start <= d.start <= affected.end),
            routine=with_new.routine,
        ),
        range=affected,
        new_bundles=tuple(log.bundles[p].id for p in new),
        bundles=last - first + 1,
    )


def _within(start: datetime, end: datetime, span: list[datetime], whole: tuple[bool, bool]) -> bool:
    return (whole[0] or start >= min(span)) and (whole[1] or end <= max(span))


def _reached(
    log: BundleLog, device_id: str, new: Sequence[int], syncs: Sequence[tuple[int, int, int]]
) -> set[int]:
    """The new bundles, and every bundle they reach by file name, file counter or clock."""
    ids = [log.bundles[p].id for p in new]
    names: set[str] = {f.path for _, f in log.files(ids)}
    seqs: set[int] = set()
    for p in new:
        for run in log.runs(p):
            seqs.update(run.inner_file_seqs)
        for e in log.lines(p):
            if e.event in NAMES_A_FILE:
                names.update(n for n in [e.str_field("file")] if n is not None)
                seqs.update(s for s in [e.int_field("file_seq")] if s is not None)
    reached = set(new)
    naming = log.slices.lines_naming(device_id, names, seqs, excluding=ids)
    reached.update(log.position[b] for b, *_ in naming)
    stored = log.slices.files_named(device_id, names, excluding=ids)
    reached.update(log.position[b] for _, b, _ in stored)
    # A counter gap accounts for the time between its two files, in both their windows: the
    # neighbours count when a gap separates them from the new files, with or without those.
    if seqs:
        below, above = log.slices.file_counter_neighbours(device_id, min(seqs), max(seqs))
        if below is not None and (above is not None or min(seqs) - below[0] > 1):
            reached.update(log.position[b] for b in below[1])
        if above is not None and (below is not None or above[0] - max(seqs) > 1):
            reached.update(log.position[b] for b in above[1])
    # A new time_sync corrects every later line up to the next time_sync.
    synced = sorted({log.position[b] for b, _, _ in syncs})
    for p in new:
        if p in synced:
            later = [q for q in synced if q > p]
            reached.update(range(p, (later[0] if later else log.last) + 1))
    return reached


def _close(log: BundleLog, low: int, high: int, *, skip: Collection[int] = ()) -> tuple[int, int]:
    """Widen [low, high] until no duty window crosses its edges, with or without `skip`."""
    while (opened := log.opens_before(low)) is not None:
        low = opened
    while high < log.last and (
        window_open_after(log.duty_marks(range(low, high + 1)), open_before=False)
        or window_open_after(
            log.duty_marks(p for p in range(low, high + 1) if p not in skip), open_before=False
        )
    ):
        high += 1
    return low, high


def _context(log: BundleLog, low: int, high: int) -> tuple[int, int]:
    """Closed runs of bundles either side of the core, each holding a file counter if any is left."""
    first = low
    while first > 0 and low - first < _CONTEXT_REACH:
        first, _ = _close(log, first - 1, first - 1)
        if log.counts_files(range(first, low)):
            break
    last = high
    while last < log.last and last - high < _CONTEXT_REACH:
        _, last = _close(log, high + 1, last + 1)
        if log.counts_files(range(high + 1, last + 1)):
            break
    return first, last


@dataclass(frozen=True, slots=True)
class _Views:
    """The slice's lines and files, to be placed with or without the new bundles."""

    device_id: str
    lines: tuple[tuple[str, DeviceEvent], ...]
    files: tuple[ReceivedFile, ...]
    logs: tuple[StoredBundle, ...]
    offset_ms: int
    runs: dict[str, list[StoredRun]]
    """By bundle name, the runs whose inner members were left unread."""

    @classmethod
    def read(
        cls,
        log: BundleLog,
        device_id: str,
        positions: range,
        syncs: Sequence[tuple[int, int, int]],
    ) -> _Views | NeedsFullDetection:
        log.load(positions)
        # Runs whose inner counters another line of the slice carries are read whole.
        runs = [r for p in positions for r in log.runs(p)]
        busy = crowded((e for p in positions for e in log.lines(p)), runs)
        log.load({log.position[r.bundle_id] for r in runs if r.id in busy}, whole=True)
        ids = {log.bundles[p].id for p in positions}
        lines = tuple((log.bundles[p].name, e) for p in positions for e in log.lines(p))
        stored = log.files(list(ids))
        paths = {f.path for _, f in stored}
        named = {n for _, e in lines if e.event == "segment" and (n := e.str_field("file"))}
        deleted = {n for _, e in lines if e.event == "delete" and (n := e.str_field("file"))}
        late: list[int] = []
        outside = log.slices.files_named(device_id, named | paths | deleted, excluding=ids)
        for segment_id, _, path in outside:
            if path in named:
                late.append(segment_id)
            elif path in paths:
                return NeedsFullDetection(f"{path} is stored in two bundles")
            else:  # whether it was ever received decides the delete: judged with the whole history
                return NeedsFullDetection(
                    f"{path}, which a delete names, is stored outside the slice"
                )
        elsewhere: set[str] = set()
        for _, event, file, _ in log.slices.lines_naming(
            device_id, named | paths, (), excluding=ids
        ):
            if file is None or (event == "delete" and file not in named):
                continue
            if file in named:
                return NeedsFullDetection(f"{file} is named by a line outside the slice")
            elsewhere.add(file)  # a stored file whose segment line lies outside: judged there
        files = sorted(
            [*stored, *log.slices.files_by_id(late, log.names)], key=lambda pair: pair[0]
        )
        # Offsets carry over from bundle to bundle: start from the last time_sync before the slice.
        before = [
            (log.position[b], line, offset)
            for b, line, offset in syncs
            if log.position[b] < positions.start
        ]
        return cls(
            device_id=device_id,
            lines=lines,
            files=tuple(f for _, f in files if f.path not in elsewhere),
            logs=tuple(log.bundles[p] for p in positions),
            offset_ms=max(before)[2] if before else 0,
            runs={log.bundles[p].name: log.runs(p) for p in positions},
        )

    def history(self, without: Collection[str]) -> tuple[DeviceHistory, tuple[InnerRun, ...]]:
        """The slice placed on the reference clock, leaving out the bundles named in `without`.

        With it, the inner runs it holds as routine rows.
        """
        events = place_events(
            [(b, e) for b, e in self.lines if b not in without], offset_ms=self.offset_ms
        )
        inner = inner_runs(events, {b: r for b, r in self.runs.items() if b not in without})
        history = DeviceHistory(
            device_id=self.device_id,
            events=events,
            files=tuple(f for f in self.files if f.bundle not in without),
            logs=tuple(b.log for b in self.logs if b.name not in without),
            routine=routine_rows(inner, tuple(b.name for b in self.logs)),
        )
        return history, inner
