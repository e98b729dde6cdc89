"""Wires the supervision features into the app: reviews, footage, web pages, metrics, errors.

Service errors become HTTP answers here, once, so routes stay thin: a caller
whose role may not do something gets 403; anything it may not see is 404 (as
if absent); a review that does not apply is 409, one lacking its comment 422.
API paths answer JSON; web pages answer a page in the caller's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.deps import find_caller
from api.metrics import install_metrics
from api.metrics import router as metrics_router
from api.routes import footage
from api.web import routes as web
from api.web.render import page
from bodycam_guard.adapters.passwords import Argon2Passwords
from bodycam_guard.bootstrap import Runtime
from bodycam_guard.domain.accounts import AccessDeniedError, NotVisibleError
from bodycam_guard.domain.errors import BodycamGuardError
from bodycam_guard.domain.review import ReviewCommentError, ReviewRefusedError
from bodycam_guard.services.supervision_ports import Passwords

STATIC = Path(__file__).with_name("web") / "static"
_ANSWERS: list[tuple[type[BodycamGuardError], int, str]] = [
    (ReviewCommentError, 422, "comment_required"),
    (ReviewRefusedError, 409, "refused"),
    (NotVisibleError, 404, "not_found"),
    (AccessDeniedError, 403, "forbidden"),
]


def _answer(status: int, message_key: str) -> Any:
    async def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        runtime: Runtime = request.app.state.runtime
        caller = find_caller(request, runtime, None)
        principal = caller.principal if caller else None
        return page(request, "error.html", principal, status_code=status, message_key=message_key)

    return handle


async def _to_login(request: Request, exc: Exception) -> Response:
    path = exc.path if isinstance(exc, web.LoginRequiredError) else "/incidents"
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)


def install_supervision(
    app: FastAPI, runtime: Runtime, *, passwords: Passwords | None = None
) -> None:
    """Add the review, footage, web and metrics routes, and the error answers, to `app`."""
    app.state.passwords = passwords or Argon2Passwords()
    install_metrics(app, runtime)
    for error, status, key in _ANSWERS:
        app.add_exception_handler(error, _answer(status, key))
    app.add_exception_handler(web.LoginRequiredError, _to_login)
    app.include_router(footage.router)
    app.include_router(metrics_router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
