"""Response models of the HTTP API (incident.schema.json)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

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


def incidents_json(incidents: Iterable[Incident]) -> bytes:
    """A list of IncidentPublic as JSON, serialised once from the records, without a model per row.

    The records already have IncidentPublic's shape (the domain types guarantee it), and
    pydantic's serialiser writes the same bytes FastAPI wrote after validating them again.
    """
    return to_json([incident_record(i) for i in incidents])


class Health(BaseModel):
    """Liveness."""

    status: str
