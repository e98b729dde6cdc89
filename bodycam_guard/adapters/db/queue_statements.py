"""The queue's SQL, built once per shape of request: which filters are set, not their values.

Building a SELECT and deriving SQLAlchemy's cache key from it cost more than SQLite takes
to answer a page from its covering indexes. So each shape (which filters are set, whether
the caller is scoped to units, whether there is a limit) gets its statements built once,
with bound parameters, and a request only binds its values. Core columns, not ORM
attributes: the queue only reads, so rows need no identity map or change tracking.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from bodycam_guard.adapters.db.accounts import OfficerUnitRow
from bodycam_guard.adapters.db.tables import IncidentRow
from bodycam_guard.domain.incidents import IncidentFilter

_INCIDENTS = IncidentRow.__table__.c
_OFFICER_UNITS = OfficerUnitRow.__table__.c
_EQUALS = ("device_id", "officer_id", "kind", "status", "severity")
"""Filters that match a column of the same name exactly."""
PAGE_COLUMNS = (
    _INCIDENTS.id,
    _INCIDENTS.kind,
    _INCIDENTS.severity,
    _INCIDENTS.device_id,
    _INCIDENTS.officer_id,
    _INCIDENTS.start,
    _INCIDENTS.end,
    _INCIDENTS.status,
    _INCIDENTS.evidence,
)
"""What a listed incident needs, in the order `Incident` takes it."""

Units = frozenset[str] | None


@dataclass(frozen=True, slots=True)
class QueueShape:
    """Which parts of a queue query a request uses; statements are built once per shape."""

    scoped: bool
    unit: bool
    equals: tuple[str, ...]
    start_after: bool
    end_before: bool
    limited: bool

    @classmethod
    def of(cls, wanted: IncidentFilter, units: Units) -> QueueShape:
        """The shape of `wanted` asked within `units`."""
        return cls(
            scoped=units is not None,
            unit=wanted.unit_id is not None,
            equals=tuple(name for name in _EQUALS if getattr(wanted, name) is not None),
            start_after=wanted.start_after is not None,
            end_before=wanted.end_before is not None,
            limited=wanted.limit is not None,
        )


def bound_values(wanted: IncidentFilter, units: Units) -> dict[str, Any]:
    """The values a statement of `QueueShape.of(wanted, units)` binds."""
    values: dict[str, Any] = {
        name: str(getattr(wanted, name)) for name in _EQUALS if getattr(wanted, name) is not None
    }
    values.update(
        units=sorted(units or ()),
        unit=wanted.unit_id,
        start_after=wanted.start_after,
        end_before=wanted.end_before,
        offset=wanted.offset,
        limit=wanted.limit,
    )
    return values


def _in_units(query: Select[Any], units: Any) -> Select[Any]:
    officers = select(_OFFICER_UNITS.officer_id).where(_OFFICER_UNITS.unit_id.in_(units))
    return query.where(_INCIDENTS.officer_id.in_(officers))


def _matching_ids(shape: QueueShape) -> Select[Any]:
    # Ids only: filtering and sorting touch narrow index entries; whole rows are read for one page.
    query = select(_INCIDENTS.id).where(_INCIDENTS.retracted.is_(False))
    if shape.scoped:
        query = _in_units(query, bindparam("units", expanding=True))
    if shape.unit:
        query = _in_units(query, [bindparam("unit")])
    for name in shape.equals:
        query = query.where(_INCIDENTS[name] == bindparam(name))
    if shape.start_after:
        query = query.where(_INCIDENTS.end >= bindparam("start_after"))
    if shape.end_before:
        query = query.where(_INCIDENTS.start <= bindparam("end_before"))
    return query


@lru_cache(maxsize=256)
def page_statement(shape: QueueShape) -> Select[Any]:
    """One page of matching incidents, newest first: ids from an index, then those rows."""
    newest_first = (_INCIDENTS.start.desc(), _INCIDENTS.id.desc())
    ids = _matching_ids(shape).order_by(*newest_first).offset(bindparam("offset"))
    if shape.limited:
        ids = ids.limit(bindparam("limit"))
    page = ids.subquery("page")
    return select(*PAGE_COLUMNS).join(page, _INCIDENTS.id == page.c.id).order_by(*newest_first)


@lru_cache(maxsize=256)
def count_statement(shape: QueueShape, *, capped: bool) -> Select[Any]:
    """How many incidents match; when `capped`, counting stops at `cap` (a bound value)."""
    matching = _matching_ids(shape)
    if capped:
        matching = matching.limit(bindparam("cap"))
    return select(func.count()).select_from(matching.subquery())


@lru_cache(maxsize=2)
def visible_statement(*, scoped: bool) -> Select[Any]:
    """The id of incident `incident_id` if it is listed (not retracted) and within `units`."""
    shape = QueueShape(
        scoped, unit=False, equals=(), start_after=False, end_before=False, limited=False
    )
    return _matching_ids(shape).where(_INCIDENTS.id == bindparam("incident_id"))
