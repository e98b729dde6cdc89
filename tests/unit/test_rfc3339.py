"""RFC 3339 formatting and parsing: milliseconds, UTC, 'Z', and a round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bodycam_guard.domain.rfc3339 import format_rfc3339, parse_rfc3339

_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=-3, minutes=-30))]
)
_MOMENTS = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=_ZONES
)


def test_formats_utc_with_milliseconds_and_z() -> None:
    moment = datetime(2026, 11, 24, 13, 5, 9, 987654, tzinfo=timezone(timedelta(hours=5)))
    assert format_rfc3339(moment) == "2026-11-24T08:05:09.987Z"
    assert format_rfc3339(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000Z"


@given(_MOMENTS)
def test_matches_the_strftime_layout(moment: datetime) -> None:
    utc = moment.astimezone(UTC)
    expected = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    assert format_rfc3339(moment) == expected


@given(_MOMENTS)
def test_parses_back_to_the_same_millisecond(moment: datetime) -> None:
    truncated = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert parse_rfc3339(format_rfc3339(moment)) == truncated


def test_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_rfc3339(datetime(2026, 11, 24))
