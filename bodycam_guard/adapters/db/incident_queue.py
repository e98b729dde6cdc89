"""The supervisors' queue: incidents filtered and scoped to units, their reviews, their footage.

A caller's scope is a set of unit ids (None for every unit). An incident is in a
unit when its officer is assigned to that unit; a stored file is in a unit when
the bundle it came in was undocked by one of that unit's officers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.accounts import OfficerUnitRow, ReviewRow
from bodycam_guard.adapters.db.queue_statements import (
    QueueShape,
    Units,
    bound_values,
    count_statement,
    page_statement,
    visible_statement,
)
from bodycam_guard.adapters.db.tables import DeviceEventRow, IncidentRow, Segment
from bodycam_guard.domain.incidents import (
    Incident,
    IncidentFilter,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from bodycam_guard.domain.review import Review, ReviewAction

# Plain lookups: calling an enum class is slow enough to show on a page of a thousand rows.
_KINDS = {kind.value: kind for kind in IncidentKind}
_SEVERITIES = {severity.value: severity for severity in Severity}
_STATUSES = {status.value: status for status in IncidentStatus}


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        kind=_KINDS[row.kind],
        severity=_SEVERITIES[row.severity],
        device_id=row.device_id,
        officer_id=row.officer_id,
        start=row.start,
        end=row.end,
        status=_STATUSES[row.status],
        evidence=row.evidence,
    )


def _listed(row: Row[*tuple[Any, ...]]) -> Incident:
    # By position (PAGE_COLUMNS' order): twice as fast as nine lookups by name, per row.
    id_, kind, severity, device_id, officer_id, start, end, status, evidence = row
    return Incident(
        id=id_,
        kind=_KINDS[kind],
        severity=_SEVERITIES[severity],
        device_id=device_id,
        officer_id=officer_id,
        start=start,
        end=end,
        status=_STATUSES[status],
        evidence=evidence,
    )


class SqlIncidentQueue:
    """Scoped reads of incidents, the review trail, and who may see which footage."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def matching(self, wanted: IncidentFilter, units: Units) -> list[Incident]:
        """Incidents matching the filter within the units, newest first."""
        query = page_statement(QueueShape.of(wanted, units))
        return [_listed(row) for row in self._s.execute(query, bound_values(wanted, units))]

    def count(self, wanted: IncidentFilter, units: Units, cap: int | None = None) -> int:
        """How many incidents match, ignoring limit and offset; at most `cap` are counted."""
        query = count_statement(QueueShape.of(wanted, units), capped=cap is not None)
        return int(self._s.scalar(query, {**bound_values(wanted, units), "cap": cap}) or 0)

    def get(self, incident_id: str, units: Units) -> Incident | None:
        """One incident within the units, or None (absent and out of scope look the same)."""
        visible = visible_statement(scoped=units is not None)
        values = {"incident_id": incident_id, "units": sorted(units or ())}
        row = self._s.get(IncidentRow, incident_id) if self._s.scalar(visible, values) else None
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
