"""Recording compliance figures per shift, officer and unit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CallerDep, RuntimeDep
from api.report_schemas import ReportPublic
from bodycam_guard.services.compliance_report import report_for

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])


@router.get("/compliance")
def compliance(
    *,
    runtime: RuntimeDep,
    caller: CallerDep,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    officer: str | None = None,
    unit: str | None = None,
) -> ReportPublic:
    """Share of duty recorded, switch-offs and their length, for shifts starting in [from, to)."""
    report = report_for(
        caller.principal, uow=runtime.uow, since=from_, until=to, officer_id=officer, unit_id=unit
    )
    return ReportPublic.of(report)
