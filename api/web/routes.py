"""The supervisors' web pages: log in, the incident queue, one incident with its shift."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import (
    SESSION_COOKIE,
    ActingCallerDep,
    BearerDep,
    Caller,
    PasswordsDep,
    RuntimeDep,
    find_caller,
)
from api.web.forms import form_fields, local_path
from api.web.i18n import catalog_keys, translate
from api.web.queue_query import PAGE_SIZE, page_link, queue_filter
from api.web.render import page
from api.web.timeline_svg import draw
from bodycam_guard.domain.accounts import Language
from bodycam_guard.domain.incidents import IncidentKind, IncidentStatus, Severity
from bodycam_guard.domain.review import ReviewAction, ReviewRefusedError
from bodycam_guard.services.accounts import set_language
from bodycam_guard.services.incident_queue import incident_page
from bodycam_guard.services.review import review_incident
from bodycam_guard.services.sessions import SESSION_LIFETIME, log_in, log_out
from bodycam_guard.services.shift_timeline import incident_view

router = APIRouter(include_in_schema=False)
_SEE_OTHER = 303


class LoginRequiredError(Exception):
    """A page needs a logged-in caller; answered with a redirect to the login page."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def web_caller(request: Request, runtime: RuntimeDep, credentials: BearerDep) -> Caller:
    """The caller of a page (session cookie or bearer token); else off to the login page."""
    caller = find_caller(request, runtime, credentials)
    if caller is None:
        raise LoginRequiredError(request.url.path)
    return caller


WebCaller = Annotated[Caller, Depends(web_caller)]


def _action(value: str) -> ReviewAction:
    try:
        return ReviewAction(value)
    except ValueError as exc:
        raise ReviewRefusedError(
            f"action: expected one of {', '.join(ReviewAction)}, found {value!r}"
        ) from exc


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=_SEE_OTHER)


@router.get("/")
def home() -> RedirectResponse:
    """The queue is the home page."""
    return _see("/incidents")


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002
    """The login form."""
    return page(request, "login.html", None, next=local_path(next), failed=False)


@router.post("/login")
async def login(request: Request, runtime: RuntimeDep, passwords: PasswordsDep) -> Response:
    """Check the password; set the session cookie (HttpOnly, SameSite=Lax) and go on."""
    fields = await form_fields(request)
    session = log_in(
        fields.get("username", ""),
        fields.get("password", ""),
        uow=runtime.uow,
        clock=runtime.clock,
        passwords=passwords,
    )
    target = local_path(fields.get("next"))
    if session is None:
        return page(request, "login.html", None, next=target, failed=True, status_code=401)
    response = _see(target)
    response.set_cookie(
        SESSION_COOKIE,
        session.cookie,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, runtime: RuntimeDep, caller: ActingCallerDep) -> Response:
    """End the session and forget the cookie."""
    if caller.session is not None:
        log_out(caller.session.cookie, uow=runtime.uow)
    response = _see("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
async def language(request: Request, runtime: RuntimeDep, caller: ActingCallerDep) -> Response:
    """Switch the caller's page language (kept on their account)."""
    fields = await form_fields(request)
    chosen = fields.get("language", "")
    if caller.principal.is_user and chosen in {lang.value for lang in Language}:
        set_language(caller.principal.name, Language(chosen), uow=runtime.uow)
    return _see(local_path(fields.get("next")))


@router.get("/incidents")
def queue(request: Request, runtime: RuntimeDep, caller: WebCaller) -> HTMLResponse:
    """The incident queue with filters, severity colours and pages of PAGE_SIZE."""
    query = dict(request.query_params)
    wanted = queue_filter(query, caller.principal.timezone)
    found = incident_page(wanted, caller.principal, uow=runtime.uow)
    return page(
        request,
        "queue.html",
        caller.principal,
        csrf=caller.session.csrf_token if caller.session else None,
        found=found,
        query=query,
        kinds=list(IncidentKind),
        severities=list(Severity),
        statuses=list(IncidentStatus),
        previous=page_link(query, found.offset - PAGE_SIZE) if found.offset else None,
        next_page=page_link(query, found.offset + PAGE_SIZE)
        if found.offset + PAGE_SIZE < found.total
        else None,
    )


@router.get("/incidents/{incident_id}")
def incident(
    incident_id: str, request: Request, runtime: RuntimeDep, caller: WebCaller
) -> HTMLResponse:
    """One incident: its shift timeline, the footage around it, its review trail and buttons."""
    view = incident_view(incident_id, caller.principal, uow=runtime.uow)
    language = caller.principal.language
    labels = {key: translate(language, key) for key in catalog_keys()}
    drawing = draw(view.timeline, caller.principal.timezone, labels) if view.timeline else None
    return page(
        request,
        "incident.html",
        caller.principal,
        csrf=caller.session.csrf_token if caller.session else None,
        view=view,
        drawing=drawing,
    )


@router.post("/incidents/{incident_id}/review")
async def review(
    incident_id: str, request: Request, runtime: RuntimeDep, caller: ActingCallerDep
) -> Response:
    """A review button: apply the action, then back to the incident page."""
    fields = await form_fields(request)
    review_incident(
        incident_id,
        _action(fields.get("action", "")),
        fields.get("comment", ""),
        caller.principal,
        uow=runtime.uow,
        clock=runtime.clock,
    )
    return _see(f"/incidents/{incident_id}")
