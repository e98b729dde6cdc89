"""Response models of the HTTP API (incident.schema.json)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bodycam_guard.domain.incidents import Incident, incident_record


class IncidentPublic(BaseModel):
    """One incident as served by GET /api/v1/incidents."""

    id: str
    kind: str
    severity: str
    device_id: str
    officer_id: str | None
    start: str | None
    end: str | None
    status: str
    evidence: dict[str, Any]

    @classmethod
    def of(cls, incident: Incident) -> IncidentPublic:
        """The public form of a domain incident."""
        return cls.model_validate(incident_record(incident))


class Health(BaseModel):
    """Liveness."""

    status: str
