"""Checks that a slice's context bounds its core, by indexed range queries (incremental detection).

The context bounds the core when nothing outside the slice can reach the affected
range: no other bundle logs in its time (device time, widened by the largest clock
correction), the context after the core lies after it, and the event and file
counters next to the core's are the same in the slice as in the whole log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from bodycam_guard.domain.detection_range import AffectedRange, footage_end
from bodycam_guard.domain.device_log import NAMES_A_FILE
from bodycam_guard.domain.incidents import IncidentKind
from bodycam_guard.domain.slice_runs import InnerRun
from bodycam_guard.domain.timeline import DeviceHistory, segment_records
from bodycam_guard.services.bundle_log import BundleLog


@dataclass(frozen=True, slots=True)
class SliceBounds:
    """Checks that the context bounds the core: nothing outside the slice reaches the range."""

    log: BundleLog
    device_id: str
    history: DeviceHistory
    affected: AffectedRange
    core: frozenset[str]
    after: range
    """Positions of the context after the core."""
    inner: Sequence[InnerRun] = ()
    """Runs whose inner members the history holds as routine rows."""

    def problem(self, syncs: Sequence[tuple[int, int, int]], *, tolerance_s: float) -> str | None:
        """What keeps the slice from giving full detection's answer, or None."""
        return (
            self._in_time(syncs, tolerance_s)
            or self._after_is_later()
            or self._event_counters()
            or self._file_counters()
        )

    def _in_time(self, syncs: Sequence[tuple[int, int, int]], tolerance_s: float) -> str | None:
        # A line's device time is its reference time plus some time_sync's offset (or 0).
        most = timedelta(milliseconds=max((abs(o) for _, _, o in syncs), default=0))
        lead = timedelta(seconds=tolerance_s)
        found = self.log.slices.bundles_logging_between(
            self.device_id, self.affected.start - lead - most, self.affected.end + most
        )
        inside = {e.bundle for e in self.history.events}
        outside = sorted(self.log.names[b] for b in found if self.log.names[b] not in inside)
        return f"bundle {outside[0]} logs in the affected time" if outside else None

    def _after_is_later(self) -> str | None:
        later = {self.log.bundles[p].name for p in self.after}
        moments = [e.ref for e in self.history.events if e.bundle in later]
        moments += [
            r.start for r in segment_records(self.history.events) if r.logged.bundle in later
        ]
        for got in self.history.files:
            if got.bundle in later and got.media is not None and got.media.creation_time:
                moments.append(got.media.creation_time)
        for unread in self.inner:
            if unread.bundle in later:
                moments.append(unread.earliest)
                if unread.run.first_creation is not None:
                    moments.append(unread.run.first_creation)
        if moments and min(moments) <= self.affected.end:
            return "the bundles after the new ones reach back into the affected time"
        return None

    def _event_counters(self) -> str | None:
        """Whether the core's event-counter neighbours in the slice are those of the whole log.

        From the slice's nearest counter below the core's to the nearest above, no other
        bundle may hold one, and a neighbour beyond the core must lie in the context after it.
        """
        items = [(e.event.seq, e.bundle) for e in self.history.events]
        items += [(s, i.bundle) for i in self.inner for s in i.run.inner_seqs]
        core = [s for s, b in items if b in self.core]
        if not core:
            return None
        low, high = min(core), max(core)
        first = max((s for s, _ in items if s < low), default=low)
        above_s = min((s for s, _ in items if s > high), default=None)
        last = high if above_s is None else above_s
        inside, _, above = self.log.slices.count_seqs(self.device_id, first, last)
        if inside != sum(1 for s, _ in items if first <= s <= last):
            return "other bundles' event counters interleave with the core's"
        later = {self.log.bundles[p].name for p in self.after}
        if above and (above_s is None or any(b not in later for s, b in items if s == above_s)):
            return "the core's next event counter is not in the context after it"
        return None

    def _file_counters(self) -> str | None:
        """Whether every file-counter gap in range is seen in the slice just as in the whole log.

        Only gaps that would lie in the range matter (and the deleted counters of the core):
        no other bundle may hold a counter within them. At the slice's edges, a gap to an
        unseen counter must lie outside the range.
        """
        history = self.history
        items = [
            (seq, e.bundle, e.event.event)
            for e in history.events
            if e.event.event in NAMES_A_FILE and (seq := e.event.int_field("file_seq")) is not None
        ]
        items += [(s, i.bundle, "segment") for i in self.inner for s in i.run.inner_file_seqs]
        if not items:
            return None
        received = {f.path: f for f in history.files}
        named = {r.file_seq: r for r in segment_records(history.events)}
        values = sorted({s for s, _, _ in items})

        def holds(before: int | None, after: int | None) -> bool:
            prev = named.get(before) if before is not None else None
            nxt = named.get(after) if after is not None else None
            return self.affected.holds(
                IncidentKind.FILE_COUNTER_GAP,
                footage_end(prev, received) if prev else None,
                nxt.start if nxt else None,
                {"last_before": before, "first_after": after},
            )

        spans = [(a, b) for a, b in pairwise(values) if b - a > 1 and holds(a, b)]
        spans += [(s, s) for s, b, event in items if event == "delete" and b in self.core]
        for low, high in spans:
            inside, _, _ = self.log.slices.count_file_seqs(self.device_id, low, high)
            if inside != sum(1 for s, _, _ in items if low <= s <= high):
                return "another bundle holds a file counter inside a gap in range"
        _, below, above = self.log.slices.count_file_seqs(self.device_id, values[0], values[-1])
        if (below and holds(None, values[0])) or (above and holds(values[-1], None)):
            return "a file counter gap to a bundle outside the slice would lie in range"
        return None
