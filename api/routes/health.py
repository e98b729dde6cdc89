"""Liveness, public by design."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import RuntimeDep
from api.schemas import Health

router = APIRouter()


@router.get("/healthz")
def healthz(runtime: RuntimeDep) -> Health:
    """200 when the process answers and its database does."""
    with runtime.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return Health(status="ok")
