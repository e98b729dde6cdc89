"""Rendering pages: one Jinja2 environment, the caller's language and time zone in every page."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web.i18n import LANGUAGE_NAMES, translate, translator
from bodycam_guard.domain.accounts import Language, Principal

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment() -> Environment:
    """The template environment (autoescaping HTML), built on first use."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def local_time(moment: datetime | None, zone: str, *, seconds: bool = True) -> str:
    """A moment in the caller's time zone, `YYYY-MM-DD HH:MM:SS`."""
    if moment is None:
        return "—"
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return moment.astimezone(ZoneInfo(zone)).strftime(pattern)


def clock_time(moment: datetime, zone: str) -> str:
    """Only the time of day in the caller's zone, `HH:MM:SS`."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M:%S")


def duration(seconds: float | None, language: Language) -> str:
    """A length of time in the caller's language: `40.5 s`, `12 min 3 s`, `2 h 5 min`."""
    if seconds is None:
        return "—"
    s, m, h = (translate(language, k) for k in ("unit_s", "unit_min", "unit_h"))
    if seconds < 60:
        return f"{seconds:.1f} {s}"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} {m} {whole % 60} {s}"
    return f"{whole // 3600} {h} {whole % 3600 // 60} {m}"


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    csrf: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render `template` for the caller: `t` translates, `when`/`clock`/`span` format."""
    language = principal.language if principal else Language.EN
    zone = principal.timezone if principal else "UTC"
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            me=principal,
            csrf=csrf,
            lang=language.value,
            languages=LANGUAGE_NAMES,
            zone=zone,
            t=translator(language),
            when=lambda moment: local_time(moment, zone),
            clock=lambda moment: clock_time(moment, zone),
            span=lambda seconds: duration(seconds, language),
            **context,
        )
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-store",
        },
    )
