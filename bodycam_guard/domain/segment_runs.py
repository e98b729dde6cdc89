"""Runs of routine footage within one bundle, summarised when the bundle is stored.

A run is a stretch of consecutive lines of one bundle: `segment` lines, each routine
as far as the bundle itself shows (`domain.routine_footage`): neighbours one counter away,
not the last line before an `undock`, its file stored in this bundle once, named
once, readable, whole and with the hashes claimed, its file counter one above the
previous member's and named by no `delete` of the bundle; and, between them, inert
lines no rule reads (battery level, power on, recording started). A run keeps what
detection needs of its members: the counters it spans, the stretch of device time
its files cover, and the largest shortfall and inner hole, so a later policy can
tell whether the run still hides nothing.

What a bundle cannot show (a copy of a member's file in another bundle, a `delete` or
a line elsewhere naming it, a file counter reused) is checked when detection reads
the runs; a run that fails any check is read line by line instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bodycam_guard.domain.device_log import DeviceEvent, epoch_us
from bodycam_guard.domain.timeline import ReceivedFile

_US = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class SegmentRun:
    """Consecutive routine segment lines of one bundle, summarised."""

    first_line: int
    last_line: int
    seq_lo: int
    seq_hi: int
    file_seq_lo: int
    file_seq_hi: int
    start_us: int
    """Earliest start of a member (device clock, microseconds since the epoch)."""
    end_us: int
    """Latest end of a member's footage: its start plus its packet span."""
    max_shortfall_us: int
    """Largest amount by which a member's footage ends before its logged end."""
    max_hole_us: int
    """Largest stretch between members that no member's footage covers (0 or less when none)."""
    paths: tuple[str, ...]
    """The members' files, in line order."""


@dataclass(frozen=True, slots=True)
class _Member:
    line: int
    seq: int
    file_seq: int
    start_us: int
    end_us: int
    footage_end_us: int
    path: str


INERT_EVENTS = frozenset({"battery", "power_on", "record_start"})
"""Lines no rule reads but for their place in the log: a run passes over them."""


def bundle_runs(events: Sequence[DeviceEvent], files: Sequence[ReceivedFile]) -> list[SegmentRun]:
    """The runs of one bundle's log (its lines in order) and the files stored with it.

    A run may pass over inert lines (`INERT_EVENTS`) between two members, as long as
    line numbers and event counters go on one by one; it begins and ends with a member.
    """
    bundle = _Bundle(events, files)
    runs: list[SegmentRun] = []
    members: list[_Member] = []
    last = (0, 0)
    """Line number and event counter of the last line the current run took in."""
    for n, event in enumerate(events):
        member = bundle.member(n)
        follows = bool(members) and (event.line, event.seq) == (last[0] + 1, last[1] + 1)
        if member is not None and follows and member.file_seq == members[-1].file_seq + 1:
            members.append(member)
        elif member is None and follows and event.event in INERT_EVENTS:
            pass
        else:
            if members:
                runs.append(_summary(members))
            members = [member] if member is not None else []
        last = (event.line, event.seq)
    if members:
        runs.append(_summary(members))
    return runs


class _Bundle:
    """What one bundle shows about its own segment lines."""

    def __init__(self, events: Sequence[DeviceEvent], files: Sequence[ReceivedFile]) -> None:
        self.events = events
        self.copies = Counter(f.path for f in files)
        self.stored = {f.path: f for f in files}
        self.names = Counter(e.str_field("file") for e in events if e.event == "segment")
        self.deleted = {
            value
            for e in events
            if e.event == "delete"
            for value in (e.str_field("file"), e.int_field("file_seq"))
            if value is not None
        }

    def member(self, n: int) -> _Member | None:
        """Line `n` as a run member, or None when the bundle alone cannot call it routine."""
        event = self.events[n]
        if event.event != "segment" or not self._between_neighbours(n):
            return None
        path, file_seq = event.str_field("file"), event.int_field("file_seq")
        start, end = event.time_field("start"), event.time_field("end")
        if path is None or file_seq is None or start is None or end is None or end < start:
            return None
        got = self.stored.get(path)
        if got is None or got.media is None or not self._plain_file(event, got, file_seq):
            return None
        start_us = epoch_us(start)
        # As the detector places footage: the start plus timedelta(seconds=span), in microseconds.
        span_us = timedelta(seconds=got.media.span_s) // _US
        return _Member(
            line=event.line,
            seq=event.seq,
            file_seq=file_seq,
            start_us=start_us,
            end_us=epoch_us(end),
            footage_end_us=start_us + span_us,
            path=path,
        )

    def _between_neighbours(self, n: int) -> bool:
        if n == 0 or n == len(self.events) - 1:
            return False
        before, event, after = self.events[n - 1], self.events[n], self.events[n + 1]
        return (
            before.line == event.line - 1
            and before.seq == event.seq - 1
            and after.line == event.line + 1
            and after.seq == event.seq + 1
            and after.event != "undock"
        )

    def _plain_file(self, event: DeviceEvent, got: ReceivedFile, file_seq: int) -> bool:
        claimed = event.str_field("sha256")
        return (
            self.copies[got.path] == 1
            and self.names[got.path] == 1
            and got.path not in self.deleted
            and file_seq not in self.deleted
            and got.media is not None
            and not got.media.jumps
            and got.sha256 == got.listed_sha256
            and (claimed is None or claimed == got.sha256)
        )


def _summary(members: list[_Member]) -> SegmentRun:
    by_start = sorted(members, key=lambda m: m.start_us)
    reach = by_start[0].footage_end_us
    hole = 0
    for m in by_start[1:]:
        hole = max(hole, m.start_us - reach)
        reach = max(reach, m.footage_end_us)
    return SegmentRun(
        first_line=members[0].line,
        last_line=members[-1].line,
        seq_lo=members[0].seq,
        seq_hi=members[-1].seq,
        file_seq_lo=members[0].file_seq,
        file_seq_hi=members[-1].file_seq,
        start_us=by_start[0].start_us,
        end_us=reach,
        max_shortfall_us=max(m.end_us - m.footage_end_us for m in members),
        max_hole_us=hole,
        paths=tuple(m.path for m in members),
    )
