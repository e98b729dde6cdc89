"""The supervisors' queue: incidents filtered and scoped to units, their reviews, their footage.

A caller's scope is a set of unit ids (None for every unit). An incident is in a
unit when its officer is assigned to that unit; a stored file is in a unit when
the bundle it came in was undocked by one of that unit's officers.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.accounts import OfficerUnitRow, ReviewRow
from bodycam_guard.adapters.db.tables import DeviceEventRow, IncidentRow, Segment
from bodycam_guard.domain.incidents import (
    Incident,
    IncidentFilter,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from bodycam_guard.domain.review import Review, ReviewAction

Units = frozenset[str] | None


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        kind=IncidentKind(row.kind),
        severity=Severity(row.severity),
        device_id=row.device_id,
        officer_id=row.officer_id,
        start=row.start,
        end=row.end,
        status=IncidentStatus(row.status),
        evidence=row.evidence,
    )


def _in_units(query: Select[str], units: frozenset[str]) -> Select[str]:
    officers = select(OfficerUnitRow.officer_id).where(OfficerUnitRow.unit_id.in_(units))
    return query.where(IncidentRow.officer_id.in_(officers))


def _filtered(wanted: IncidentFilter, units: Units) -> Select[str]:
    # Ids only: filtering and sorting touch narrow index entries; whole rows are read for one page.
    query = select(IncidentRow.id).where(IncidentRow.retracted.is_(False))
    if units is not None:
        query = _in_units(query, units)
    if wanted.unit_id is not None:
        query = _in_units(query, frozenset({wanted.unit_id}))
    conditions = [
        (wanted.device_id, IncidentRow.device_id),
        (wanted.officer_id, IncidentRow.officer_id),
        (wanted.kind, IncidentRow.kind),
        (wanted.status, IncidentRow.status),
        (wanted.severity, IncidentRow.severity),
    ]
    for value, column in conditions:
        if value is not None:
            query = query.where(column == str(value))
    if wanted.start_after is not None:
        query = query.where(IncidentRow.end >= wanted.start_after)
    if wanted.end_before is not None:
        query = query.where(IncidentRow.start <= wanted.end_before)
    return query


class SqlIncidentQueue:
    """Scoped reads of incidents, the review trail, and who may see which footage."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def matching(self, wanted: IncidentFilter, units: Units) -> list[Incident]:
        """Incidents matching the filter within the units, newest first."""
        query = _filtered(wanted, units).order_by(IncidentRow.start.desc(), IncidentRow.id.desc())
        query = query.offset(wanted.offset)
        if wanted.limit is not None:
            query = query.limit(wanted.limit)
        ids = list(self._s.scalars(query))
        found = self._s.scalars(select(IncidentRow).where(IncidentRow.id.in_(ids)))
        rows = {row.id: row for row in found}
        return [_incident(rows[i]) for i in ids]

    def count(self, wanted: IncidentFilter, units: Units, cap: int | None = None) -> int:
        """How many incidents match, ignoring limit and offset; at most `cap` are counted."""
        inner = _filtered(wanted, units)
        if cap is not None:
            inner = inner.limit(cap)
        counted = select(func.count()).select_from(inner.subquery())
        return int(self._s.scalar(counted) or 0)

    def get(self, incident_id: str, units: Units) -> Incident | None:
        """One incident within the units, or None (absent and out of scope look the same)."""
        visible = _filtered(IncidentFilter(), units).where(IncidentRow.id == incident_id)
        row = self._s.get(IncidentRow, incident_id) if self._s.scalar(visible) else None
        return _incident(row) if row is not None else None

    def record_review(self, review: Review, status_before: IncidentStatus) -> None:
        """Append a review to the trail and move the incident to its new status."""
        row = self._s.get(IncidentRow, review.incident_id, with_for_update=True)
        if row is None:
            raise LookupError(f"expected incident {review.incident_id!r}, found none")
        row.status = review.status_after.value
        self._s.add(
            ReviewRow(
                incident_id=review.incident_id,
                action=review.action.value,
                actor=review.actor,
                comment=review.comment,
                at=review.at,
                status_before=status_before.value,
                status_after=review.status_after.value,
                leaf_index=review.leaf_index,
            )
        )
        self._s.flush()

    def reviews_of(self, incident_id: str) -> list[Review]:
        """An incident's review trail, oldest first."""
        rows = self._s.scalars(
            select(ReviewRow).where(ReviewRow.incident_id == incident_id).order_by(ReviewRow.id)
        )
        return [
            Review(
                incident_id=r.incident_id,
                action=ReviewAction(r.action),
                actor=r.actor,
                comment=r.comment,
                at=r.at,
                status_after=IncidentStatus(r.status_after),
                leaf_index=r.leaf_index,
            )
            for r in rows
        ]

    def footage_name(self, sha256: str, units: Units) -> str | None:
        """The recorded file name of stored footage the units may see; None if absent or not."""
        rows = self._s.execute(
            select(Segment.bundle_id, Segment.path).where(Segment.sha256 == sha256)
        ).all()
        if not rows:
            return None
        if units is not None and not (
            self._officers_of([r.bundle_id for r in rows]) & self._unit_officers(units)
        ):
            return None
        return str(rows[0].path)

    def _officers_of(self, bundle_ids: Sequence[int]) -> set[str]:
        undocks = self._s.scalars(
            select(DeviceEventRow.fields)
            .where(DeviceEventRow.bundle_id.in_(bundle_ids))
            .where(DeviceEventRow.event == "undock")
        )
        return {str(f["officer_id"]) for f in undocks if f.get("officer_id")}

    def _unit_officers(self, units: frozenset[str]) -> set[str]:
        return set(
            self._s.scalars(
                select(OfficerUnitRow.officer_id).where(OfficerUnitRow.unit_id.in_(units))
            )
        )
