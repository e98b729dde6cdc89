"""Incidents as detection writes them: findings upserted by id, the ones no longer found retracted.

A device's findings are reconciled against its stored incidents (`reconcile`), or
a whole batch of devices' at once (`reconcile_devices`, region re-detection); most
findings are unchanged and only get their time of detection. A supervisor's
status is never reset. Findings of scheduled checks are raised one at a time
(`raise_finding`) and never retracted by reconciliation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.history_slices import chunks
from bodycam_guard.adapters.db.incident_queue import SqlIncidentQueue
from bodycam_guard.adapters.db.tables import IncidentRow
from bodycam_guard.domain.detection_range import AffectedRange
from bodycam_guard.domain.incidents import (
    DetectionPolicy,
    Finding,
    Incident,
    IncidentFilter,
    IncidentKind,
    IncidentStatus,
)

# Kinds the detector derives from received data; it may retract these when new data
# shows the fact no longer holds. Kinds raised by scheduled checks are left alone.
DETECTOR_KINDS = frozenset(IncidentKind) - {IncidentKind.INTEGRITY_FAILURE}

_I = IncidentRow
_STORED_INCIDENTS = select(
    _I.id, _I.kind, _I.severity, _I.officer_id, _I.start, _I.end, _I.evidence, _I.retracted
)
"""Incidents as plain rows: most findings are unchanged, and only need their time of detection."""


class SqlIncidents:
    """Incidents, reconciled with each detection run."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def reconcile(
        self,
        device_id: str,
        findings: Sequence[Finding],
        policy: DetectionPolicy,
        at: datetime,
        *,
        within: AffectedRange | None = None,
    ) -> tuple[int, int]:
        """Upsert this device's findings by id; retract detector incidents no longer found.

        With `within`, only the device's incidents in that range are considered for
        retraction (incremental detection); others are left as they are. Returns
        (new incidents, retracted incidents). A supervisor's status is never reset.
        """
        i = IncidentRow
        query = _STORED_INCIDENTS.where(i.device_id == device_id)
        if within is not None:
            query = query.where(or_(i.start.between(within.start, within.end), i.start.is_(None)))
        existing = {
            row.id: row
            for row in self._s.execute(query)
            if within is None
            or within.holds(IncidentKind(row.kind), row.start, row.end, row.evidence)
        }
        return self._settle(
            {device_id: findings}, existing, policy, at, looked_up=within is not None
        )

    def reconcile_devices(
        self, findings: Mapping[str, Sequence[Finding]], policy: DetectionPolicy, at: datetime
    ) -> tuple[int, int]:
        """Full reconciliation of several devices at once, as `reconcile` does each; (new, retracted)."""
        i = IncidentRow
        existing: dict[str, Any] = {}
        for chunk in chunks(findings):
            existing.update(
                (row.id, row)
                for row in self._s.execute(_STORED_INCIDENTS.where(i.device_id.in_(chunk)))
            )
        return self._settle(findings, existing, policy, at, looked_up=False)

    def _settle(
        self,
        findings: Mapping[str, Sequence[Finding]],
        existing: dict[str, Any],
        policy: DetectionPolicy,
        at: datetime,
        *,
        looked_up: bool,
    ) -> tuple[int, int]:
        """Write findings against the stored incidents they may replace; retract the rest."""
        i = IncidentRow
        created = 0
        unchanged: list[str] = []
        for device_id, found in findings.items():
            for finding in found:
                values: dict[str, Any] = {
                    "kind": finding.kind.value,
                    "severity": policy.severity_of(finding.kind).value,
                    "officer_id": finding.officer_id,
                    "start": finding.start,
                    "end": finding.end,
                    "evidence": dict(finding.evidence),
                    "retracted": False,
                }
                stored = existing.pop(finding.incident_id, None)
                if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
                    unchanged.append(finding.incident_id)
                    continue
                # Outside the range read, an incident of that id may still be stored.
                row = self._s.get(i, finding.incident_id) if stored or looked_up else None
                if row is None:
                    self._s.add(
                        i(
                            id=finding.incident_id,
                            device_id=device_id,
                            status=IncidentStatus.OPEN.value,
                            first_detected_at=at,
                            last_detected_at=at,
                            **values,
                        )
                    )
                    created += 1
                else:
                    for key, value in {**values, "last_detected_at": at}.items():
                        setattr(row, key, value)
        gone = [
            row.id for row in existing.values() if row.kind in DETECTOR_KINDS and not row.retracted
        ]
        self._s.flush()
        for ids, change in ((unchanged, {"last_detected_at": at}), (gone, {"retracted": True})):
            for n in range(0, len(ids), 500):
                self._s.execute(
                    update(i)
                    .where(i.id.in_(ids[n : n + 500]))
                    .values(**change)
                    .execution_options(synchronize_session=False)
                )
        return created, len(gone)

    def raise_finding(self, finding: Finding, policy: DetectionPolicy, at: datetime) -> bool:
        """Record a finding of a scheduled check (e.g. integrity_failure); True if it is new.

        Found again, its evidence and last detection time are updated; reconcile never
        retracts it, because its kind is not one the detector derives.
        """
        row = self._s.get(IncidentRow, finding.incident_id)
        if row is not None:
            row.evidence = dict(finding.evidence)
            row.last_detected_at = at
            self._s.flush()
            return False
        self._s.add(
            IncidentRow(
                id=finding.incident_id,
                kind=finding.kind.value,
                severity=policy.severity_of(finding.kind).value,
                device_id=finding.device_id,
                officer_id=finding.officer_id,
                start=finding.start,
                end=finding.end,
                status=IncidentStatus.OPEN.value,
                evidence=dict(finding.evidence),
                first_detected_at=at,
                last_detected_at=at,
                retracted=False,
            )
        )
        self._s.flush()
        return True

    def list(self, wanted: IncidentFilter) -> list[Incident]:
        """Incidents matching the filter, newest first; retracted ones are left out."""
        # The queue's statements are the one implementation of incident filtering.
        return SqlIncidentQueue(self._s).matching(wanted, None)

    def get(self, incident_id: str) -> Incident | None:
        """One incident by id, or None."""
        return SqlIncidentQueue(self._s).get(incident_id, None)
