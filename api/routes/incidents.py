"""Incidents: list with filters, and one with its evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import IncidentReader, RuntimeDep
from api.schemas import IncidentPublic
from bodycam_guard.domain.incidents import IncidentFilter, IncidentKind, IncidentStatus
from bodycam_guard.services.list_incidents import get_incident, list_incidents

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


@router.get("")
def incidents(
    *,
    runtime: RuntimeDep,
    _role: IncidentReader,
    device: str | None = None,
    officer: str | None = None,
    kind: IncidentKind | None = None,
    status_: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[IncidentPublic]:
    """Incidents matching every given filter, newest first."""
    wanted = IncidentFilter(
        device_id=device,
        officer_id=officer,
        kind=kind,
        status=status_,
        start_after=from_,
        end_before=to,
        limit=limit,
        offset=offset,
    )
    return [IncidentPublic.of(i) for i in list_incidents(wanted, uow=runtime.uow)]


@router.get("/{incident_id}")
def incident(incident_id: str, runtime: RuntimeDep, _role: IncidentReader) -> IncidentPublic:
    """One incident with its evidence; 404 if there is none with this id."""
    found = get_incident(incident_id, uow=runtime.uow)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no incident {incident_id!r}")
    return IncidentPublic.of(found)
