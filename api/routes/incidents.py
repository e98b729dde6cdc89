"""Incidents: the queue with filters and pagination, one incident, and its reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import ActingCallerDep, CallerDep, RuntimeDep
from api.review_schemas import IncidentDetail, ReviewCreate, ReviewPublic
from api.schemas import IncidentPublic, incidents_json
from bodycam_guard.domain.incidents import IncidentFilter, IncidentKind, IncidentStatus, Severity
from bodycam_guard.services.incident_queue import incident_file, incident_page
from bodycam_guard.services.review import review_incident

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


@router.get("", response_model=list[IncidentPublic])
def incidents(
    *,
    runtime: RuntimeDep,
    caller: CallerDep,
    unit: str | None = None,
    device: str | None = None,
    officer: str | None = None,
    kind: IncidentKind | None = None,
    severity: Severity | None = None,
    status_: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Incidents the caller may see matching every filter, newest first; X-Total-Count (capped)."""
    wanted = IncidentFilter(
        unit_id=unit,
        device_id=device,
        officer_id=officer,
        kind=kind,
        severity=severity,
        status=status_,
        start_after=from_,
        end_before=to,
        limit=limit,
        offset=offset,
    )
    page = incident_page(wanted, caller.principal, uow=runtime.uow)
    # Serialised once here: returning a Response spares FastAPI validating every row again.
    return Response(
        incidents_json(page.incidents),
        media_type="application/json",
        headers={
            "X-Total-Count": str(page.total),
            "X-Total-Count-Exact": str(page.total_is_exact).lower(),
        },
    )


@router.get("/{incident_id}")
def incident(incident_id: str, runtime: RuntimeDep, caller: CallerDep) -> IncidentDetail:
    """One incident with its evidence and review trail; 404 if absent or not the caller's to see."""
    return IncidentDetail.of_file(incident_file(incident_id, caller.principal, uow=runtime.uow))


@router.post("/{incident_id}/reviews", status_code=status.HTTP_201_CREATED)
def review(
    incident_id: str, body: ReviewCreate, runtime: RuntimeDep, caller: ActingCallerDep
) -> ReviewPublic:
    """A supervisor acts on an incident of their unit: 409 if the action does not apply."""
    done = review_incident(
        incident_id,
        body.action,
        body.comment,
        caller.principal,
        uow=runtime.uow,
        clock=runtime.clock,
    )
    return ReviewPublic.of(done)
