"""Runs of routine footage within one bundle: where they break, and what they keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bodycam_guard.domain.device_log import DeviceEvent, epoch_us
from bodycam_guard.domain.media import MediaFacts, TimestampJump
from bodycam_guard.domain.segment_runs import bundle_runs
from bodycam_guard.domain.timeline import ReceivedFile

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class _Log:
    def __init__(self) -> None:
        self.events: list[DeviceEvent] = []
        self.files: list[ReceivedFile] = []
        self.file_seq = 0

    def line(self, event: str, **fields: Any) -> None:
        n = len(self.events) + 1
        self.events.append(
            DeviceEvent(
                seq=100 + n, ts=T0 + timedelta(seconds=n), event=event, fields=fields, line=n
            )
        )

    def segment(self, start_s: float, *, span_s: float = 299.9, **changes: Any) -> None:
        self.file_seq += 1
        path = f"media/{self.file_seq:04d}.mp4"
        start = T0 + timedelta(seconds=start_s)
        self.line(
            "segment",
            file=path,
            file_seq=self.file_seq,
            start=_iso(start),
            end=_iso(start + timedelta(seconds=300)),
            bytes=1,
            sha256="a" * 64,
        )
        media = MediaFacts("mp4", None, span_s, span_s, changes.pop("jumps", ()), 9000, 9000)
        self.files.append(
            ReceivedFile("B", path, "a" * 64, 1, changes.pop("listed", "a" * 64), media)
        )


def test_consecutive_segments_between_other_lines_make_one_run() -> None:
    log = _Log()
    log.line("undock", station_id="ST", officer_id="OFF")
    log.line("time_sync", offset_ms=0)
    for n in range(4):
        log.segment(n * 300.5, span_s=299.9)
    log.line("dock", station_id="ST")
    (run,) = bundle_runs(log.events, log.files)
    assert (run.first_line, run.last_line, run.seq_lo, run.seq_hi) == (3, 6, 103, 106)
    assert (run.file_seq_lo, run.file_seq_hi) == (1, 4)
    assert run.start_us == epoch_us(T0)
    assert run.end_us == epoch_us(T0 + timedelta(seconds=3 * 300.5 + 299.9))
    # Each file is 0.1 s short of its logged 300 s, and 0.6 s passes between two files.
    assert run.max_shortfall_us == 100_000
    assert run.max_hole_us == 600_000
    assert run.paths == tuple(f"media/{n:04d}.mp4" for n in range(1, 5))


def test_a_run_breaks_at_anything_the_bundle_shows_to_be_unusual() -> None:
    log = _Log()
    log.line("undock", station_id="ST", officer_id="OFF")
    log.segment(0)  # 1: first segment, after the undock line
    log.segment(300)  # 2
    log.line("battery", level=90)  # inert: the run passes over it
    log.segment(600)  # 3
    log.segment(900, jumps=(TimestampJump(10.0, 20.0),))  # 4: a hole in the file
    log.segment(1200, listed="b" * 64)  # 5: the manifest claims another hash
    log.segment(1500)  # 6
    log.segment(1800)  # 7
    log.line("delete", file="media/0007.mp4", file_seq=7)
    log.segment(2100)  # 8
    log.segment(2400)  # 9: the last line before the undock
    log.line("undock", station_id="ST", officer_id="OFF")
    runs = bundle_runs(log.events, log.files)
    assert [(r.file_seq_lo, r.file_seq_hi) for r in runs] == [(1, 3), (6, 6), (8, 8)]
    # The first run spans the battery line: lines 2-5, event counters 102-105.
    assert (runs[0].first_line, runs[0].last_line, runs[0].seq_lo, runs[0].seq_hi) == (
        2,
        5,
        102,
        105,
    )


def test_a_file_not_stored_here_or_stored_twice_is_no_member() -> None:
    log = _Log()
    log.line("undock", station_id="ST", officer_id="OFF")
    for n in range(4):
        log.segment(n * 300)
    log.line("dock", station_id="ST")
    missing = [f for f in log.files if not f.path.endswith("0002.mp4")]
    twice = [*log.files, log.files[2]]
    assert [(r.file_seq_lo, r.file_seq_hi) for r in bundle_runs(log.events, missing)] == [
        (1, 1),
        (3, 4),
    ]
    assert [(r.file_seq_lo, r.file_seq_hi) for r in bundle_runs(log.events, twice)] == [
        (1, 2),
        (4, 4),
    ]
