"""Per-officer compliance with clause 4.3: how much of duty was recorded, and how often it was not.

Pure arithmetic over duty windows and the detector's findings (or the incidents
made from them): the share of duty time covered by footage, and the number and
total length of switch-offs (`camera_off`). Stretches where footage is missing
for any reason (switched off, flat battery, fault, missing, deleted, cut, no
explanation) count as unrecorded; overlapping stretches are counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bodycam_guard.domain.incidents import IncidentKind
from bodycam_guard.domain.timeline import DutyWindow

UNRECORDED_KINDS = frozenset(
    {
        IncidentKind.CAMERA_OFF,
        IncidentKind.BATTERY_DEPLETED,
        IncidentKind.DEVICE_FAULT,
        IncidentKind.UNEXPLAINED_GAP,
        IncidentKind.FOOTAGE_MISSING,
        IncidentKind.FOOTAGE_DELETED,
        IncidentKind.FILE_COUNTER_GAP,
        IncidentKind.FOOTAGE_CUT,
    }
)
"""Kinds whose time span had no usable footage."""


class Flagged(Protocol):
    """What compliance needs of a finding or an incident."""

    @property
    def kind(self) -> IncidentKind: ...
    @property
    def start(self) -> datetime | None: ...
    @property
    def end(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class ComplianceFigures:
    """One officer's figures over the duty windows given."""

    officer_id: str | None
    shifts: int
    duty_s: float
    unrecorded_s: float
    switch_offs: int
    switch_off_s: float

    @property
    def recorded_s(self) -> float:
        """Duty time covered by footage."""
        return max(0.0, self.duty_s - self.unrecorded_s)

    @property
    def recorded_share(self) -> float:
        """Recorded share of duty time, 0..1; 1.0 for no duty at all (nothing to record)."""
        return self.recorded_s / self.duty_s if self.duty_s > 0 else 1.0


def _clip(
    spans: Iterable[tuple[datetime, datetime]], window: DutyWindow
) -> list[tuple[datetime, datetime]]:
    clipped = []
    for start, end in spans:
        lo, hi = max(start, window.start), min(end, window.end)
        if lo < hi:
            clipped.append((lo, hi))
    return clipped


def _union_seconds(spans: Sequence[tuple[datetime, datetime]]) -> float:
    total = 0.0
    current: tuple[datetime, datetime] | None = None
    for start, end in sorted(spans):
        if current is None or start > current[1]:
            if current is not None:
                total += (current[1] - current[0]).total_seconds()
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total += (current[1] - current[0]).total_seconds()
    return total


def _spans(
    flagged: Iterable[Flagged], kinds: frozenset[IncidentKind]
) -> list[tuple[datetime, datetime]]:
    return [
        (f.start, f.end)
        for f in flagged
        if f.kind in kinds and f.start is not None and f.end is not None and f.start < f.end
    ]


def compliance(
    officer_id: str | None, windows: Sequence[DutyWindow], flagged: Sequence[Flagged]
) -> ComplianceFigures:
    """Figures for one officer over `windows` (the officer's) given what was flagged on them."""
    unrecorded = _spans(flagged, UNRECORDED_KINDS)
    switched = _spans(flagged, frozenset({IncidentKind.CAMERA_OFF}))
    duty_s = unrecorded_s = switch_off_s = 0.0
    switch_offs = 0
    for window in windows:
        duty_s += (window.end - window.start).total_seconds()
        unrecorded_s += _union_seconds(_clip(unrecorded, window))
        in_window = _clip(switched, window)
        switch_offs += len(in_window)
        switch_off_s += _union_seconds(in_window)
    return ComplianceFigures(
        officer_id=officer_id,
        shifts=len(windows),
        duty_s=duty_s,
        unrecorded_s=min(unrecorded_s, duty_s),
        switch_offs=switch_offs,
        switch_off_s=switch_off_s,
    )


def compliance_by_officer(
    windows: Sequence[DutyWindow], flagged: Sequence[Flagged]
) -> list[ComplianceFigures]:
    """Figures for every officer with a duty window, by officer id."""
    officers = sorted({w.officer_id for w in windows}, key=lambda o: (o is None, o or ""))
    return [compliance(o, [w for w in windows if w.officer_id == o], flagged) for o in officers]


def combine(officer_id: str | None, parts: Sequence[ComplianceFigures]) -> ComplianceFigures:
    """Figures over several shifts (or officers) added together."""
    return ComplianceFigures(
        officer_id=officer_id,
        shifts=sum(p.shifts for p in parts),
        duty_s=sum(p.duty_s for p in parts),
        unrecorded_s=sum(p.unrecorded_s for p in parts),
        switch_offs=sum(p.switch_offs for p in parts),
        switch_off_s=sum(p.switch_off_s for p in parts),
    )
