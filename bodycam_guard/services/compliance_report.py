"""Use case: recording compliance per shift, per officer and per unit, over a period.

Each shift (duty window) is judged against its own device's incidents; officers
and units add their shifts up. Read-only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from bodycam_guard.domain.accounts import AccessDeniedError, NotVisibleError, Principal
from bodycam_guard.domain.compliance import ComplianceFigures, combine, compliance
from bodycam_guard.domain.incidents import IncidentFilter
from bodycam_guard.domain.timeline import duty_windows
from bodycam_guard.services.supervision_ports import SupervisionUnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ShiftFigures:
    """One duty window of one camera, with its officer's unit."""

    device_id: str
    unit_id: str | None
    start: datetime
    end: datetime
    figures: ComplianceFigures


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """Figures by shift, by officer and by unit, for the period asked."""

    shifts: list[ShiftFigures]
    officers: list[tuple[str | None, ComplianceFigures]]
    """(unit, figures) per officer, sorted by officer."""
    units: list[tuple[str | None, ComplianceFigures]]


def compliance_report(
    *,
    uow: SupervisionUnitOfWorkFactory,
    since: datetime | None = None,
    until: datetime | None = None,
    officer_id: str | None = None,
    unit_id: str | None = None,
) -> ComplianceReport:
    """Compliance of every shift that starts in [since, until), narrowed to an officer or a unit."""
    shifts: list[ShiftFigures] = []
    with uow() as work:
        for device in work.histories.devices():
            history = work.histories.load(device)
            incidents = work.incidents.list(IncidentFilter(device_id=device))
            for window in duty_windows(history.events):
                if (since and window.start < since) or (until and window.start >= until):
                    continue
                if officer_id is not None and window.officer_id != officer_id:
                    continue
                unit = work.accounts.officer_unit(window.officer_id) if window.officer_id else None
                if unit_id is not None and unit != unit_id:
                    continue
                figures = compliance(window.officer_id, [window], incidents)
                shifts.append(
                    ShiftFigures(
                        device_id=device,
                        unit_id=unit,
                        start=window.start,
                        end=window.end,
                        figures=figures,
                    )
                )
    shifts.sort(key=lambda s: (s.start, s.device_id))
    by_officer: dict[str | None, list[ShiftFigures]] = defaultdict(list)
    by_unit: dict[str | None, list[ComplianceFigures]] = defaultdict(list)
    for shift in shifts:
        by_officer[shift.figures.officer_id].append(shift)
    officers = []
    for officer in sorted(by_officer, key=lambda o: (o is None, o or "")):
        mine = by_officer[officer]
        total = combine(officer, [s.figures for s in mine])
        officers.append((mine[0].unit_id, total))
        by_unit[mine[0].unit_id].append(total)
    units = [
        (u, combine(None, by_unit[u])) for u in sorted(by_unit, key=lambda u: (u is None, u or ""))
    ]
    return ComplianceReport(shifts=shifts, officers=officers, units=units)


def report_for(
    caller: Principal,
    *,
    uow: SupervisionUnitOfWorkFactory,
    since: datetime | None = None,
    until: datetime | None = None,
    officer_id: str | None = None,
    unit_id: str | None = None,
) -> ComplianceReport:
    """The report a caller may see: auditors and admins any unit, a supervisor only their own."""
    if not caller.reads_incidents:
        raise AccessDeniedError(f"role {caller.role.value!r} may not read compliance figures")
    if not caller.reads_everything:
        if unit_id is not None and unit_id != caller.unit_id:
            raise NotVisibleError(f"no unit {unit_id!r}")
        unit_id = caller.unit_id
    return compliance_report(
        uow=uow, since=since, until=until, officer_id=officer_id, unit_id=unit_id
    )
