"""Typed dependencies: the runtime, and the caller (a bearer token or a web session cookie)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.domain.accounts import Principal
from bodycam_guard.services.sessions import RecentTokens, WebSession, session_of
from bodycam_guard.services.supervision_ports import Passwords
from bodycam_guard.services.tokens import role_of

_bearer = HTTPBearer(auto_error=False)


async def get_runtime(request: Request) -> Runtime:
    """The process's runtime, set by `create_app` (async: no I/O, so no worker thread)."""
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


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
SESSION_COOKIE = "bcg_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: a bearer token, or a person logged in on the web page (with a session)."""

    principal: Principal
    session: WebSession | None = None


def find_caller(
    request: Request,
    runtime: Runtime,
    credentials: HTTPAuthorizationCredentials | None,
) -> Caller | None:
    """The caller a request's bearer token or session cookie names; None for neither."""
    if credentials is not None:
        tokens: RecentTokens = request.app.state.tokens
        found = tokens.principal(credentials.credentials)
        return Caller(found) if found else None
    cookie = request.cookies.get(SESSION_COOKIE)
    session = session_of(cookie, uow=runtime.uow, clock=runtime.clock) if cookie else None
    return Caller(session.principal, session) if session else None


async def get_caller(request: Request, runtime: RuntimeDep, credentials: BearerDep) -> Caller:
    """The authenticated caller; 401 without a valid bearer token or session cookie."""
    tokens: RecentTokens = request.app.state.tokens
    kept = tokens.kept(credentials.credentials) if credentials is not None else None
    # A token seen a moment ago needs no database, so no hop to a worker thread; any other
    # caller is looked up in one, off the event loop.
    caller = (
        Caller(kept)
        if kept
        else await run_in_threadpool(find_caller, request, runtime, credentials)
    )
    if caller is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token or a web session is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


async def presented_csrf(request: Request) -> str | None:
    """The CSRF token a state-changing request carries: header, or the form field `csrf`."""
    if header := request.headers.get(CSRF_HEADER):
        return header
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        fields = parse_qs((await request.body()).decode("utf-8", "replace"))
        return fields.get(CSRF_FIELD, [None])[0]
    return None


async def get_acting_caller(request: Request, caller: CallerDep) -> Caller:
    """The caller of a state-changing request: a web session must present its CSRF token (403)."""
    if caller.session is not None and not caller.session.csrf_matches(
        await presented_csrf(request)
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
    return caller


ActingCallerDep = Annotated[Caller, Depends(get_acting_caller)]


def get_passwords(request: Request) -> Passwords:
    """The password hasher the app was built with (argon2id)."""
    passwords: Passwords = request.app.state.passwords
    return passwords


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
