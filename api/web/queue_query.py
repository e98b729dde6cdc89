"""The queue page's filter form (query string) as an `IncidentFilter`; blanks mean any."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode

from api.web.forms import local_datetime
from bodycam_guard.domain.incidents import IncidentFilter, IncidentKind, IncidentStatus, Severity

PAGE_SIZE = 50
FIELDS = ("unit", "officer", "device", "kind", "severity", "status", "from", "to")
E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _offset(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def queue_filter(query: Mapping[str, str], zone: str) -> IncidentFilter:
    """The filter a queue page's query string asks for, one page of PAGE_SIZE."""
    return IncidentFilter(
        unit_id=query.get("unit") or None,
        officer_id=query.get("officer") or None,
        device_id=query.get("device") or None,
        kind=_enum(IncidentKind, query.get("kind")),
        severity=_enum(Severity, query.get("severity")),
        status=_enum(IncidentStatus, query.get("status")),
        start_after=local_datetime(query.get("from"), zone),
        end_before=local_datetime(query.get("to"), zone),
        limit=PAGE_SIZE,
        offset=_offset(query.get("offset")),
    )


def page_link(query: Mapping[str, str], offset: int) -> str:
    """The queue URL with the same filters at another offset."""
    kept = {k: query[k] for k in FIELDS if query.get(k)}
    return "/incidents?" + urlencode({**kept, "offset": max(offset, 0)})
