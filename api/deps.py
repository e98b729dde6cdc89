"""Typed dependencies: the runtime, and the caller's role from a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.services.tokens import role_of

_bearer = HTTPBearer(auto_error=False)


def get_runtime(request: Request) -> Runtime:
    """The process's runtime, set by `create_app`."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_role(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The role of the presented bearer token; 401 without a valid one."""
    role = role_of(credentials.credentials, uow=runtime.uow) if credentials else None
    if role is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return role


def require(*roles: str) -> object:
    """A dependency admitting only callers with one of `roles` (403 otherwise)."""

    def check(role: Annotated[str, Depends(get_role)]) -> str:
        if role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {role!r} may not do this")
        return role

    return Depends(check)


# Supervisors will read their own unit's incidents once units exist; until then only
# roles that may read everything are admitted.
IncidentReader = Annotated[str, require("auditor", "admin")]
