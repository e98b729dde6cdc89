"""RFC 3339 times as the dock bundle writes them, and as incidents report them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

# RFC 3339 date-time: full date, 'T' (or 't'/' ' is not allowed here), time, optional
# fraction, and an explicit offset. Python's fromisoformat accepts more than that (week
# dates, no offset), so the shape is checked first: a naive time would silently be local.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


@lru_cache(maxsize=16_384)
def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 date-time into an aware UTC datetime; raise ValueError otherwise.

    Memoised: detection reads the same segment times in several passes over a slice.
    """
    if not _RFC3339.match(text):
        raise ValueError(
            f"expected an RFC 3339 time such as 2026-11-24T08:00:00.000Z, found {text!r}"
        )
    normalized = text.upper().replace("Z", "+00:00")
    # fromisoformat takes at most 6 fractional digits: nanosecond device clocks are truncated.
    if "." in normalized:
        head, _, rest = normalized.partition(".")
        digits = re.match(r"\d+", rest)
        assert digits is not None
        normalized = f"{head}.{digits.group()[:6].ljust(6, '0')}{rest[digits.end() :]}"
    return datetime.fromisoformat(normalized).astimezone(UTC)


def format_rfc3339(moment: datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC with milliseconds, e.g. 2026-11-24T08:00:00.000Z."""
    if moment.tzinfo is None:
        raise ValueError(f"expected an aware datetime, found naive {moment!r}")
    # isoformat is C code, several times faster than strftime (every listed incident has two),
    # and times read from the database are UTC already.
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds")[:-6] + "Z"
