"""The device log parser: every event kept, every bad line named with its field."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bodycam_guard.domain.device_log import LogProblemsError, parse_device_log
from bodycam_guard.domain.errors import InputError


def _log(*lines: dict[str, object] | str) -> bytes:
    return "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines).encode()


UNDOCK = {
    "seq": 1,
    "ts": "2026-11-24T08:00:00.000Z",
    "event": "undock",
    "station_id": "S",
    "officer_id": "OFF-1",
}


def test_events_parse_with_aware_utc_times_and_extra_fields_kept() -> None:
    log = parse_device_log(
        _log(
            UNDOCK,
            {"seq": 2, "ts": "2026-11-24T09:00:00.250+01:00", "event": "firmware_note", "x": [1]},
            {
                "seq": 3,
                "ts": "2026-11-24T08:00:05.000Z",
                "event": "battery",
                "level": 80,
                "temp": 31,
            },
        )
    )
    assert [e.event for e in log.events] == ["undock", "firmware_note", "battery"]
    assert log.events[1].ts == datetime(2026, 11, 24, 8, 0, 0, 250000, tzinfo=UTC)
    assert log.events[1].fields == {"x": [1]}, "unknown events are kept, not rejected"
    assert log.events[2].fields == {"level": 80, "temp": 31}, "unknown fields are kept"
    assert (log.first_seq, log.last_seq) == (1, 3)
    assert [e.line for e in log.events] == [1, 2, 3]


def test_every_bad_line_is_reported_at_once() -> None:
    with pytest.raises(LogProblemsError) as caught:
        parse_device_log(
            _log(
                UNDOCK,
                "{oops",
                {"seq": True, "ts": "2026-11-24T08:00:01Z", "event": "power_on"},
                {"seq": 4, "ts": "2026-11-24T08:00:02Z", "event": "power_off"},
            )
        )
    assert [str(p) for p in caught.value.problems] == [
        "device.log.jsonl line 2: not valid JSON (Expecting property name enclosed in double "
        "quotes at column 2)",
        "device.log.jsonl line 3, field 'seq': expected an integer, found true",
        "device.log.jsonl line 4, field 'reason': required for a 'power_off' event, but missing",
    ]


def test_times_without_offset_are_refused() -> None:
    with pytest.raises(LogProblemsError, match=r"line 1, field 'ts': expected an RFC 3339 time"):
        parse_device_log(_log({"seq": 1, "ts": "2026-11-24T08:00:00", "event": "power_on"}))


def test_bad_utf8_and_blank_lines_are_named() -> None:
    with pytest.raises(LogProblemsError) as caught:
        parse_device_log(_log(UNDOCK) + b"\xff\xfe\n\n")
    assert [p.line for p in caught.value.problems] == [2, 3]


def test_segment_hash_must_be_hex() -> None:
    segment = {
        "seq": 2,
        "ts": "2026-11-24T08:05:00Z",
        "event": "segment",
        "file": "media/a.mp4",
        "file_seq": 1,
        "start": "2026-11-24T08:00:00Z",
        "end": "2026-11-24T08:04:59Z",
        "bytes": 10,
        "sha256": "ABC",
    }
    with pytest.raises(
        LogProblemsError, match=r"line 2, field 'sha256': expected 64 lower-case hex"
    ):
        parse_device_log(_log(UNDOCK, segment))


@given(st.binary(max_size=300))
def test_arbitrary_bytes_parse_or_fail_with_a_located_input_error(data: bytes) -> None:
    try:
        parse_device_log(data)
    except InputError as exc:
        assert exc.file == "device.log.jsonl"
        problems = exc.problems if isinstance(exc, LogProblemsError) else [exc]
        assert all(p.line is None or p.line >= 1 for p in problems)
