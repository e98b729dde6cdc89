"""Which segments are routine: each condition of the rule, one at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.routine_footage import (
    Elided,
    Flags,
    Ints,
    RoutineSegments,
    RunFacts,
    SegmentFacts,
    routine_mask,
    sound_runs,
)
from bodycam_guard.domain.timeline import LoggedEvent


def _ints(*values: int) -> Ints:
    return np.array(values, dtype=np.int64)


def _flags(*values: bool) -> Flags:
    return np.array(values, dtype=np.bool_)


# Three consecutive segment lines of one device (counters 11-13, files 5-7): all routine, the
# first and last having no file counter beyond them at all.
GOOD = SegmentFacts(
    device=_ints(0, 0, 0),
    seq=_ints(11, 12, 13),
    prev_seq=_ints(10, 11, 12),
    next_seq=_ints(12, 13, 14),
    next_is_undock=_flags(False, False, False),
    file_seq=_ints(5, 6, 7),
    start_us=_ints(0, 300_000_000, 600_000_000),
    end_us=_ints(300_000_000, 600_000_000, 900_000_000),
    named_once=_flags(True, True, True),
    stored_once=_flags(True, True, True),
    deleted=_flags(False, False, False),
    readable=_flags(True, True, True),
    hashes_agree=_flags(True, True, True),
    span_s=np.array([299.9, 299.9, 299.9]),
    deletes_device=_ints(),
    deletes_file_seq=_ints(),
)


def test_a_segment_between_its_neighbours_is_routine() -> None:
    assert routine_mask(GOOD, tolerance_s=2.0).tolist() == [True, True, True]


def test_a_counter_beyond_an_end_needs_its_neighbour_named() -> None:
    # A line naming counter 9 after the last: 7 then lacks 8, and 9 lacks 8 too.
    facts = replace(
        GOOD,
        file_seq=_ints(5, 6, 7),
        deletes_device=_ints(0),
        deletes_file_seq=_ints(9),
    )
    assert routine_mask(facts, tolerance_s=2.0).tolist() == [True, True, False]


def _middle(**changes: object) -> bool:
    facts = replace(GOOD, **changes)  # type: ignore[arg-type]
    return bool(routine_mask(facts, tolerance_s=2.0)[1])


@pytest.mark.parametrize(
    ("why", "changes"),
    [
        ("a line is missing before it", {"prev_seq": _ints(10, 9, 12)}),
        ("a line is missing after it", {"next_seq": _ints(12, 15, 14)}),
        ("it is the last line before an undock", {"next_is_undock": _flags(False, True, False)}),
        ("another line names its file", {"named_once": _flags(True, False, True)}),
        ("its file was stored twice", {"stored_once": _flags(True, False, True)}),
        ("a delete names it", {"deleted": _flags(False, True, False)}),
        ("its file did not probe cleanly", {"readable": _flags(True, False, True)}),
        ("a hash disagrees", {"hashes_agree": _flags(True, False, True)}),
        ("its file is short of the log", {"span_s": np.array([299.9, 297.0, 299.9])}),
        ("its start is unknown", {"start_us": _ints(0, -1, 600_000_000)}),
        ("a file counter was skipped before it", {"file_seq": _ints(4, 6, 7)}),
        (
            "a delete names its file counter too",
            {"deletes_device": _ints(0), "deletes_file_seq": _ints(6)},
        ),
    ],
)
def test_anything_unusual_leaves_it_to_the_full_rules(why: str, changes: dict[str, object]) -> None:
    assert not _middle(**changes), why


def test_a_shortfall_within_the_tolerance_is_routine() -> None:
    assert _middle(span_s=np.array([299.9, 298.5, 299.9]))


def test_elided_ranges_fill_a_stretch_only_when_one_lies_inside() -> None:
    elided = Elided(_ints(12, 30), _ints(14, 30))
    assert elided.fill(11, 15)
    assert elided.fill(13, 20)
    assert not elided.fill(14, 20)
    assert not elided.fill(1, 12)
    assert elided.fill(29, 31)
    assert not Elided(_ints(), _ints()).fill(0, 100)


def _runs(**changes: object) -> RunFacts:
    # One run of file counters 5-7 on device 0; lines name 4 and 8 on either side.
    run = RunFacts(
        device=_ints(0),
        run_id=_ints(1),
        bundle_id=_ints(1),
        first_line=_ints(3),
        last_line=_ints(5),
        seq_lo=_ints(11),
        seq_hi=_ints(13),
        file_seq_lo=_ints(5),
        file_seq_hi=_ints(7),
        start_us=_ints(0),
        end_us=_ints(900_000_000),
        max_shortfall_us=_ints(100_000),
        max_hole_us=_ints(1_000_000),
        named_elsewhere=_flags(False),
    )
    return replace(run, **changes)  # type: ignore[arg-type]


LINES = replace(GOOD, file_seq=_ints(4, 8, 9))


@pytest.mark.parametrize(
    ("why", "runs", "lines"),
    [
        ("a line names a counter inside it", _runs(), replace(LINES, file_seq=_ints(4, 6, 8))),
        ("no counter before it", _runs(), replace(LINES, file_seq=_ints(3, 8, 9))),
        ("no counter after it", _runs(), replace(LINES, file_seq=_ints(4, 9, 10))),
        ("a file of it is named elsewhere", _runs(named_elsewhere=_flags(True)), LINES),
        ("a member is short beyond the tolerance", _runs(max_shortfall_us=_ints(1_999_500)), LINES),
        (
            "a hole inside it is longer than the tolerance",
            _runs(max_hole_us=_ints(2_500_000)),
            LINES,
        ),
        (
            "a delete names one of its counters",
            _runs(),
            replace(LINES, deletes_device=_ints(0), deletes_file_seq=_ints(6)),
        ),
    ],
)
def test_a_run_is_read_line_by_line_when_anything_breaks_it(
    why: str, runs: RunFacts, lines: SegmentFacts
) -> None:
    assert sound_runs(runs, lines, tolerance_s=2.0).tolist() == [False], why


def test_a_run_between_named_counters_is_sound_and_counts_as_naming_them() -> None:
    runs = _runs()
    sound = sound_runs(runs, LINES, tolerance_s=2.0)
    assert sound.tolist() == [True]
    # Lines 4 and 8 have the run as their neighbour, 9 has 8; nothing lies beyond 4 or 9.
    lines = replace(LINES, prev_seq=LINES.seq - 1, next_seq=LINES.seq + 1)
    assert routine_mask(lines, tolerance_s=2.0, runs=runs, sound=sound).tolist() == [
        True,
        True,
        True,
    ]
    # Without the run, 4 and 8 each lack a neighbour on a side where counters lie.
    alone = routine_mask(lines, tolerance_s=2.0, runs=runs, sound=np.zeros(1, dtype=np.bool_))
    assert alone.tolist() == [False, False, True]


def test_routine_coverage_is_corrected_by_the_offset_in_effect() -> None:
    def logged(line: int, offset_ms: int) -> LoggedEvent:
        moment = datetime(2026, 3, 2, tzinfo=UTC)
        return LoggedEvent(
            event=DeviceEvent(seq=line, ts=moment, event="battery", line=line),
            bundle="B",
            ref=moment,
            offset_ms=offset_ms,
        )

    routine = RoutineSegments(
        bundles=("B",),
        bundle=_ints(0, 0),
        line=_ints(3, 6),
        seq_lo=_ints(3, 6),
        seq_hi=_ints(3, 8),
        file_seq_lo=_ints(1, 2),
        file_seq_hi=_ints(1, 4),
        start_us=_ints(10_000_000, 20_000_000),
        end_us=_ints(11_500_000, 22_250_000),
    )
    assert routine.segments == 4
    # The line before line 3 carries no correction; a time_sync at line 5 sets 700 ms.
    start, end = routine.covered([logged(2, 0), logged(5, 700)])
    assert start.tolist() == [10.0, 19.3]
    assert end.tolist() == [11.5, 21.55]
