"""Incidents: what the detector flags for a supervisor, and the policy that grades them.

The kinds and their default severities are those of incident-kinds-v1. An
incident's identity is a hash of its device, kind and the fact it rests on, so
re-ingesting a bundle or re-running detection finds the same incident again
rather than a new one, and a supervisor's review stays attached to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bodycam_guard.domain.rfc3339 import format_rfc3339


class IncidentKind(StrEnum):
    """The kinds of incident-kinds-v1; the strings are part of the interface."""

    CAMERA_OFF = "camera_off"
    AUDIO_MUTED = "audio_muted"
    BATTERY_DEPLETED = "battery_depleted"
    DEVICE_FAULT = "device_fault"
    UNEXPLAINED_GAP = "unexplained_gap"
    FOOTAGE_MISSING = "footage_missing"
    FOOTAGE_DELETED = "footage_deleted"
    FILE_COUNTER_GAP = "file_counter_gap"
    LOG_GAP = "log_gap"
    FOOTAGE_CUT = "footage_cut"
    HASH_MISMATCH = "hash_mismatch"
    BAD_SIGNATURE = "bad_signature"
    CLOCK_SKEW = "clock_skew"
    LATE_UPLOAD = "late_upload"
    NO_CAMERA = "no_camera"
    INTEGRITY_FAILURE = "integrity_failure"


class Severity(StrEnum):
    """How urgently a supervisor should look."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class IncidentStatus(StrEnum):
    """Where a supervisor's review of an incident stands."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    JUSTIFIED = "justified"
    ESCALATED = "escalated"
    CLOSED = "closed"


DEFAULT_SEVERITIES: Mapping[IncidentKind, Severity] = {
    IncidentKind.CAMERA_OFF: Severity.HIGH,
    IncidentKind.AUDIO_MUTED: Severity.MEDIUM,
    IncidentKind.BATTERY_DEPLETED: Severity.LOW,
    IncidentKind.DEVICE_FAULT: Severity.MEDIUM,
    IncidentKind.UNEXPLAINED_GAP: Severity.HIGH,
    IncidentKind.FOOTAGE_MISSING: Severity.HIGH,
    IncidentKind.FOOTAGE_DELETED: Severity.HIGH,
    IncidentKind.FILE_COUNTER_GAP: Severity.HIGH,
    IncidentKind.LOG_GAP: Severity.HIGH,
    IncidentKind.FOOTAGE_CUT: Severity.HIGH,
    IncidentKind.HASH_MISMATCH: Severity.CRITICAL,
    IncidentKind.BAD_SIGNATURE: Severity.CRITICAL,
    IncidentKind.CLOCK_SKEW: Severity.LOW,
    IncidentKind.LATE_UPLOAD: Severity.MEDIUM,
    IncidentKind.NO_CAMERA: Severity.HIGH,
    IncidentKind.INTEGRITY_FAILURE: Severity.CRITICAL,
}


@dataclass(frozen=True, slots=True)
class DetectionPolicy:
    """The thresholds the detector applies; defaults are those of incident-kinds-v1."""

    tolerance_s: float = 2.0
    """A coverage gap, mute or cut must be longer than this to be flagged."""
    clock_skew_threshold_s: float = 30.0
    max_shift_s: float = 14 * 3600.0
    severities: Mapping[IncidentKind, Severity] = field(
        default_factory=lambda: dict(DEFAULT_SEVERITIES)
    )

    def severity_of(self, kind: IncidentKind) -> Severity:
        """The severity this deployment gives a kind."""
        return self.severities.get(kind, DEFAULT_SEVERITIES[kind])


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact the detector found: a kind, a device, a stretch of reference time and its evidence."""

    kind: IncidentKind
    device_id: str
    officer_id: str | None
    start: datetime | None
    end: datetime | None
    fact: str
    """What makes this fact this one (e.g. the file_seq that is missing): the key of its identity."""
    evidence: Mapping[str, Any]

    @property
    def incident_id(self) -> str:
        """Stable identity: the same fact found again gives the same id."""
        return incident_id(self.device_id, self.kind, self.fact)


def incident_id(device_id: str, kind: IncidentKind, fact: str) -> str:
    """Derive an incident's id from its device, kind and fact key."""
    digest = hashlib.sha256(f"bodycam-incident/v1\n{device_id}\n{kind}\n{fact}".encode())
    return digest.hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Incident:
    """A flagged incident as supervisors and auditors see it (incident.schema.json)."""

    id: str
    kind: IncidentKind
    severity: Severity
    device_id: str
    officer_id: str | None
    start: datetime | None
    end: datetime | None
    status: IncidentStatus
    evidence: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """Which incidents to list; None means any."""

    device_id: str | None = None
    officer_id: str | None = None
    kind: IncidentKind | None = None
    status: IncidentStatus | None = None
    start_after: datetime | None = None
    end_before: datetime | None = None
    limit: int | None = None
    offset: int = 0
    unit_id: str | None = None
    """Only incidents of officers assigned to this unit."""
    severity: Severity | None = None


def incident_record(incident: Incident) -> dict[str, Any]:
    """The incident as incident.schema.json lays it out (CLI `--json` and the API print this)."""
    return {
        "id": incident.id,
        "kind": incident.kind.value,
        "severity": incident.severity.value,
        "device_id": incident.device_id,
        "officer_id": incident.officer_id,
        "start": format_rfc3339(incident.start) if incident.start else None,
        "end": format_rfc3339(incident.end) if incident.end else None,
        "status": incident.status.value,
        "evidence": dict(incident.evidence),
    }
