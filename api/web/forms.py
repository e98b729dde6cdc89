"""Reading HTML forms (application/x-www-form-urlencoded) without a multipart parser."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from fastapi import Request

MAX_FORM_BYTES = 64 * 1024


async def form_fields(request: Request) -> dict[str, str]:
    """The first value of each field of a urlencoded form body (the body is cached by Starlette)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def local_path(target: str | None, default: str = "/incidents") -> str:
    """`target` if it is a path on this site (no scheme, no host), else `default`: no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return default
    return target


def local_datetime(value: str | None, zone: str) -> datetime | None:
    """A `datetime-local` input (wall time in the caller's zone) as an aware datetime; None if blank."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(zone))
