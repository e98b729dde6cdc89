"""The inner members of routine runs a slice leaves unread: when it may, what they cover, where they clash."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bodycam_guard.domain.device_log import DeviceEvent, epoch_us
from bodycam_guard.domain.slice_runs import (
    StoredRun,
    crowded,
    inner_runs,
    routine_rows,
)
from bodycam_guard.domain.timeline import place_events

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _run(run_id: int = 1, **changes: object) -> StoredRun:
    """Lines 3..14 of a bundle: 10 members, file counters 100..109, event counters 53..64."""
    run = StoredRun(
        id=run_id,
        bundle_id=7,
        first_line=3,
        last_line=14,
        seq_lo=53,
        seq_hi=64,
        file_seq_lo=100,
        file_seq_hi=109,
        start_us=epoch_us(T0),
        end_us=epoch_us(T0 + timedelta(seconds=1000)),
        max_shortfall_us=200_000,
        max_hole_us=200_000,
        first_ts=T0 + timedelta(seconds=100),
        last_ts=T0 + timedelta(seconds=1000),
        latest_end_us=epoch_us(T0 + timedelta(seconds=1001)),
        first_creation=None,
        plain=True,
    )
    return replace(run, **changes)  # type: ignore[arg-type]


def _line(seq: int, event: str = "battery", line: int = 1, **fields: object) -> DeviceEvent:
    return DeviceEvent(seq=seq, ts=T0, event=event, fields=dict(fields), line=line)


def test_a_plain_run_of_three_or_more_within_the_tolerance_may_leave_its_inner_members_unread() -> (
    None
):
    assert _run().leaves_inner(tolerance_s=2.0)
    assert not _run(plain=False).leaves_inner(tolerance_s=2.0)
    assert not _run(file_seq_hi=101).leaves_inner(tolerance_s=2.0)  # two members: nothing inside
    assert _run(file_seq_hi=102).leaves_inner(tolerance_s=2.0)
    assert not _run(max_shortfall_us=2_500_000).leaves_inner(tolerance_s=2.0)
    assert not _run(max_hole_us=2_500_000).leaves_inner(tolerance_s=2.0)
    assert not _run().leaves_inner(tolerance_s=0.1)


def test_inner_counters_lie_strictly_between_the_first_and_last_member() -> None:
    run = _run()
    assert run.inner_seqs == range(54, 64)
    assert run.inner_file_seqs == range(101, 109)


def test_a_line_or_run_carrying_an_inner_counter_crowds_the_run() -> None:
    run = _run()
    edges = [_line(53, "segment", file_seq=100), _line(64, "segment", file_seq=109)]
    assert crowded(edges, [run]) == set()
    assert crowded([*edges, _line(60)], [run]) == {1}  # an event counter inside
    assert crowded([*edges, _line(70, "delete", file_seq=105)], [run]) == {1}
    assert crowded([*edges, _line(70, "segment", file_seq=109)], [run]) == set()  # an edge
    assert crowded([*edges, _line(70, "record_stop", file_seq=105)], [run]) == set()
    beside = _run(2, seq_lo=65, seq_hi=80, file_seq_lo=110, file_seq_hi=120)
    assert crowded(edges, [run, beside]) == set()
    overlapping = _run(3, seq_lo=60, seq_hi=80, file_seq_lo=200, file_seq_hi=210)
    assert crowded(edges, [run, beside, overlapping]) == {1, 2, 3}


def test_inner_runs_take_the_clock_correction_of_their_first_member() -> None:
    events = place_events(
        [
            ("B1", _line(51, "undock", line=1)),
            ("B1", _line(52, "time_sync", line=2, offset_ms=2_000)),
            ("B1", _line(53, "segment", line=3)),
            ("B1", _line(64, "segment", line=14)),
        ]
    )
    (inner,) = inner_runs(events, {"B1": [_run()], "B2": [_run(2)]})  # B2 has no line here
    assert inner.offset_ms == 2_000
    assert inner.earliest == T0 - timedelta(seconds=2)  # the footage starts before any line
    assert inner.latest == T0 + timedelta(seconds=999)  # the latest logged end, corrected
    late = inner_runs(events, {"B1": [_run(last_ts=T0 + timedelta(hours=1))]})[0]
    assert late.latest == T0 + timedelta(hours=1, seconds=-2)
    early = inner_runs(events, {"B1": [_run(first_ts=T0 - timedelta(hours=1))]})[0]
    assert early.earliest == T0 - timedelta(hours=1, seconds=2)


@pytest.mark.parametrize("bundles", [("B0", "B1"), ("B1",)])
def test_routine_rows_stand_for_the_inner_members_and_cover_the_whole_run(
    bundles: tuple[str, ...],
) -> None:
    events = place_events([("B1", _line(53, "segment", line=3))])
    rows = routine_rows(inner_runs(events, {"B1": [_run()]}), bundles)
    assert rows.bundles == bundles
    assert rows.bundle.tolist() == [bundles.index("B1")]
    assert rows.line.tolist() == [4]
    assert (rows.seq_lo.tolist(), rows.seq_hi.tolist()) == ([54], [63])
    assert (rows.file_seq_lo.tolist(), rows.file_seq_hi.tolist()) == ([101], [108])
    assert rows.segments == 8
    assert (rows.start_us.tolist(), rows.end_us.tolist()) == (
        [epoch_us(T0)],
        [epoch_us(T0 + timedelta(seconds=1000))],
    )
    assert routine_rows((), bundles).segments == 0
