"""Use case: list and read incidents for supervisors, auditors and scripts."""

from __future__ import annotations

from bodycam_guard.domain.incidents import Incident, IncidentFilter
from bodycam_guard.services.ports import UnitOfWorkFactory


def list_incidents(wanted: IncidentFilter, *, uow: UnitOfWorkFactory) -> list[Incident]:
    """Incidents matching the filter, newest first."""
    with uow() as work:
        return work.incidents.list(wanted)


def get_incident(incident_id: str, *, uow: UnitOfWorkFactory) -> Incident | None:
    """One incident with its evidence, or None when there is no such incident."""
    with uow() as work:
        return work.incidents.get(incident_id)
