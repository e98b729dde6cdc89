"""Response models of the compliance report."""

from __future__ import annotations

from pydantic import BaseModel

from bodycam_guard.domain.compliance import ComplianceFigures
from bodycam_guard.domain.rfc3339 import format_rfc3339
from bodycam_guard.services.compliance_report import ComplianceReport


class FiguresPublic(BaseModel):
    """Recording compliance of one shift, officer or unit."""

    officer_id: str | None = None
    unit_id: str | None = None
    device_id: str | None = None
    start: str | None = None
    end: str | None = None
    shifts: int
    duty_s: float
    recorded_s: float
    recorded_share: float
    switch_offs: int
    switch_off_s: float

    @classmethod
    def of(cls, f: ComplianceFigures, **key: str | None) -> FiguresPublic:
        """The public form of a set of figures, with what identifies them."""
        return cls(
            shifts=f.shifts,
            duty_s=round(f.duty_s, 3),
            recorded_s=round(f.recorded_s, 3),
            recorded_share=round(f.recorded_share, 4),
            switch_offs=f.switch_offs,
            switch_off_s=round(f.switch_off_s, 3),
            **key,
        )


class ReportPublic(BaseModel):
    """Compliance by shift, by officer and by unit."""

    shifts: list[FiguresPublic]
    officers: list[FiguresPublic]
    units: list[FiguresPublic]

    @classmethod
    def of(cls, report: ComplianceReport) -> ReportPublic:
        """The public form of a report."""
        return cls(
            shifts=[
                FiguresPublic.of(
                    s.figures,
                    officer_id=s.figures.officer_id,
                    unit_id=s.unit_id,
                    device_id=s.device_id,
                    start=format_rfc3339(s.start),
                    end=format_rfc3339(s.end),
                )
                for s in report.shifts
            ],
            officers=[
                FiguresPublic.of(f, officer_id=f.officer_id, unit_id=u) for u, f in report.officers
            ],
            units=[FiguresPublic.of(f, unit_id=u) for u, f in report.units],
        )
